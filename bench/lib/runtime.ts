/**
 * The local runtime (DynamoDB Local + fauxqs + gateway + pollers, all in memory) for one bench,
 * started in a child process (see runtime-child.ts) so that the load generator and the gateway do
 * not share an event loop, and so the handlers' process can be measured on its own.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { localTableName } from '../../infra/local/resources-setup.ts';
import type { TableName } from '../../shared/platform/resources.ts';

export interface BenchRuntime {
  baseUrl: string;
  devToken: string;
  /** DynamoDB Local and fauxqs (SQS and S3 share one endpoint). */
  endpoints: { dynamodb: string; sqs: string; s3: string };
  /** Process that runs the gateway, pollers and every handler. */
  pid: number;
  /** DynamoDB Local's JVM. */
  dynamodbPid: number;
  /** The node process that runs fauxqs (SQS + S3). */
  fauxqsPid: number;
  startupMs: number;
  /** Physical table name of a logical table, as the runtime created it. */
  table(name: TableName): string;
  /** The handlers' process's own `resourceUsage().maxRSS`, in kB. */
  maxRssKb(): Promise<number>;
  /** Waits until every queue is drained and no batch runs (bounded by `timeoutMs`). */
  waitForQueuesIdle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export type RuntimeParentMessage =
  | { kind: 'stop' }
  | { kind: 'max-rss' }
  | { kind: 'wait-idle'; timeoutMs: number };

export type RuntimeChildMessage =
  | {
      kind: 'ready';
      baseUrl: string;
      devToken: string;
      endpoints: { dynamodb: string; sqs: string; s3: string };
      dynamodbPid: number;
      fauxqsPid: number;
      startupMs: number;
    }
  | { kind: 'failed'; message: string }
  | { kind: 'max-rss'; kb: number }
  | { kind: 'idle'; ok: boolean; message?: string };

export interface BenchRuntimeOptions {
  /** Gateway body limit (bytes), passed to the local runtime. */
  bodyLimitBytes?: number;
  retryDelaySeconds?: number;
  /** Show the handlers' own log lines (off by default: they would drown the figures). */
  verbose?: boolean;
  startTimeoutMs?: number;
  /**
   * V8 old-space cap of the handlers' process (`--max-old-space-size`), as a Lambda's memory caps
   * its heap: what the process really holds must fit, and its RSS is read under that cap.
   */
  heapMb?: number;
}

const CHILD = fileURLToPath(new URL('./runtime-child.ts', import.meta.url));

const nextMessage = <K extends RuntimeChildMessage['kind']>(
  child: ChildProcess,
  kind: K,
  timeoutMs: number,
): Promise<Extract<RuntimeChildMessage, { kind: K | 'failed' }>> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`bench runtime: no "${kind}" answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: RuntimeChildMessage) => {
      if (m.kind !== kind && m.kind !== 'failed') return;
      cleanup();
      resolve(m as Extract<RuntimeChildMessage, { kind: K | 'failed' }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`bench runtime exited (code ${code}) before answering "${kind}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

export const startBenchRuntime = async (options: BenchRuntimeOptions = {}): Promise<BenchRuntime> => {
  const { verbose = false, startTimeoutMs = 120_000, heapMb, ...runtimeOptions } = options;
  const child = fork(CHILD, [], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ...(heapMb ? [`--max-old-space-size=${heapMb}`] : []),
    ],
    env: { ...process.env, DIEUTRA_BENCH_RUNTIME_OPTIONS: JSON.stringify(runtimeOptions) },
    // Handlers log one line per request to stdout; kept out of the bench's output unless asked.
    stdio: ['ignore', verbose ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ kind: 'stop' } satisfies RuntimeParentMessage);
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  // An interrupted bench still stops the runtime (and with it DynamoDB Local).
  const onSignal = () => {
    void kill().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);

  let ready: Extract<RuntimeChildMessage, { kind: 'ready' | 'failed' }>;
  try {
    ready = await nextMessage(child, 'ready', startTimeoutMs);
  } catch (error) {
    await kill();
    throw error;
  }
  if (ready.kind === 'failed') {
    await kill();
    throw new Error(`bench runtime failed to start: ${ready.message}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    baseUrl: ready.baseUrl,
    devToken: ready.devToken,
    endpoints: ready.endpoints,
    pid: child.pid!,
    dynamodbPid: ready.dynamodbPid,
    fauxqsPid: ready.fauxqsPid,
    startupMs: ready.startupMs,
    table: localTableName,
    async maxRssKb() {
      child.send({ kind: 'max-rss' } satisfies RuntimeParentMessage);
      const m = await nextMessage(child, 'max-rss', 5_000);
      if (m.kind !== 'max-rss') throw new Error(m.message);
      return m.kb;
    },
    async waitForQueuesIdle(timeoutMs = 120_000) {
      child.send({ kind: 'wait-idle', timeoutMs } satisfies RuntimeParentMessage);
      const m = await nextMessage(child, 'idle', timeoutMs + 5_000);
      if (m.kind === 'failed' || !m.ok) throw new Error(`queues not idle: ${m.message}`);
    },
    stop() {
      process.off('SIGINT', onSignal);
      stopping ??= kill();
      return stopping;
    },
  };
};
