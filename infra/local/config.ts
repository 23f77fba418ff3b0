/** `npm start` configuration: the only place the local runtime reads `process.env` and argv. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { LocalRuntimeError } from './errors.ts';
import { REPO_ROOT } from './paths.ts';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DIEUTRA_DATA_DIR: z.string().min(1).optional(),
  DIEUTRA_DEV_TOKEN: z.string().min(8, 'DIEUTRA_DEV_TOKEN must have at least 8 characters').optional(),
});

export interface MainConfig {
  port: number;
  dataDir: string;
  devToken: string | undefined;
  fresh: boolean;
  seed: boolean;
}

export const readMainConfig = (env: NodeJS.ProcessEnv, argv: readonly string[]): MainConfig => {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // A LocalRuntimeError: `npm start` prints it as one line and exits 1 (no stack trace).
    throw new LocalRuntimeError(
      'CONFIG_INVALID',
      `Cấu hình không hợp lệ / invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const unknown = argv.filter((a) => !['--fresh', '--no-seed'].includes(a));
  if (unknown.length > 0)
    throw new LocalRuntimeError(
      'CONFIG_INVALID',
      `Tham số không hợp lệ / unknown argument(s): ${unknown.join(' ')} (use --fresh, --no-seed)`,
    );
  return {
    port: parsed.data.PORT,
    // A relative DIEUTRA_DATA_DIR is taken from the current folder; the default lives in the repository.
    dataDir: parsed.data.DIEUTRA_DATA_DIR
      ? resolve(parsed.data.DIEUTRA_DATA_DIR)
      : resolve(REPO_ROOT, '.data'),
    devToken: parsed.data.DIEUTRA_DEV_TOKEN,
    fresh: argv.includes('--fresh'),
    seed: !argv.includes('--no-seed'),
  };
};
