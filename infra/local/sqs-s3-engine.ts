/** fauxqs (SQS + S3 APIs) in a child process, on a free port; SQLite persistence when a folder is given. */
import { fork } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_REGION } from './clients.ts';
import type { LocalLogger } from './log.ts';
import { REPO_ROOT } from './paths.ts';
import { LOOPBACK } from './ports.ts';

export interface SqsS3Engine {
  /** The same server answers SQS and S3 (path-style). */
  endpoint: string;
  port: number;
  /** The child process that runs fauxqs. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * fauxqs runs in a child process (infra/local/fauxqs-child.mjs) with an IPC channel that reports its
 * port. node:sqlite's "experimental" warning is noise there, not news: that category is muted.
 */
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
  const started = Date.now();
  const child = fork(join(REPO_ROOT, 'infra/local/fauxqs-child.mjs'), [], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    env: {
      ...process.env,
      DIEUTRA_FAUXQS_OPTIONS: JSON.stringify({ defaultRegion: LOCAL_REGION, ...persistence }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fauxqs did not start within 30 s')), 30_000);
    child.once('message', (message: { kind?: string; port?: number }) => {
      clearTimeout(timer);
      if (message.kind === 'ready' && typeof message.port === 'number') resolve(message.port);
      else reject(new Error(`fauxqs: unexpected start message ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fauxqs exited with code ${code} before it was ready`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  // fauxqs always listens on 0.0.0.0; we only ever send to 127.0.0.1.
  const endpoint = `http://${LOOPBACK}:${port}`;
  log.info(
    `fauxqs (SQS + S3) ready on ${endpoint} in ${Date.now() - started} ms (${dataPath ?? 'in memory'})`,
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.send({ kind: 'stop' });
    const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
  };
  return { endpoint, port, pid: child.pid ?? -1, stop };
};
