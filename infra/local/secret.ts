/** Random local secrets, kept in the data folder so tokens and links survive a restart. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Reads `<dataDir>/<file>`, creating it (mode 0600) with a random value the first time. */
export const persistedSecret = async (dataDir: string | null, file: string): Promise<string> => {
  if (dataDir === null) return randomSecret();
  const path = join(dataDir, file);
  try {
    const value = (await readFile(path, 'utf8')).trim();
    if (value !== '') return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = randomSecret();
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  return value;
};
