/** fauxqs (SQS + S3 APIs) in-process, on a free port; SQLite persistence when a folder is given. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_REGION } from './clients.ts';
import type { LocalLogger } from './log.ts';
import { LOOPBACK } from './ports.ts';

export interface SqsS3Engine {
  /** The same server answers SQS and S3 (path-style). */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * fauxqs loads node:sqlite, which Node 22 flags as experimental on every start: noise, not news.
 * Only that one warning is dropped, and only while fauxqs loads.
 */
const importFauxqs = async (): Promise<typeof import('fauxqs')> => {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import('fauxqs');
  } finally {
    process.emitWarning = emitWarning;
  }
};

export const startSqsS3Engine = async ({
  dataPath,
  log,
}: {
  dataPath: string | null;
  log: LocalLogger;
}): Promise<SqsS3Engine> => {
  const persistence: { dataDir?: string; s3StorageDir?: string } = {};
  if (dataPath !== null) {
    persistence.dataDir = dataPath;
    // S3 objects as plain files: inspectable, and the SQLite file stays small.
    persistence.s3StorageDir = join(dataPath, 's3');
    await mkdir(persistence.s3StorageDir, { recursive: true });
  }
  const { startFauxqs } = await importFauxqs();
  const started = Date.now();
  // fauxqs always listens on 0.0.0.0; we only ever send to 127.0.0.1.
  const server = await startFauxqs({ port: 0, logger: false, defaultRegion: LOCAL_REGION, ...persistence });
  const endpoint = `http://${LOOPBACK}:${server.port}`;
  log.info(
    `fauxqs (SQS + S3) ready on ${endpoint} in ${Date.now() - started} ms (${dataPath ?? 'in memory'})`,
  );
  return { endpoint, port: server.port, stop: () => server.stop() };
};
