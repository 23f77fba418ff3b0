/**
 * Child process of `startBenchRuntime`: starts the local runtime in memory and reports its
 * addresses over IPC. It runs apart from the bench so the load generator never shares an event
 * loop with the gateway, and so the peak RSS of the process that runs the handlers (parsing
 * included) can be read from /proc.
 */
import { quietLogger } from '../../infra/local/log.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import type { RuntimeChildMessage, RuntimeParentMessage } from './runtime.ts';

const send = (message: RuntimeChildMessage): void => {
  process.send?.(message);
};

const options = JSON.parse(process.env.DIEUTRA_BENCH_RUNTIME_OPTIONS ?? '{}') as {
  bodyLimitBytes?: number;
  retryDelaySeconds?: number;
};

const runtime = await startLocalRuntime({
  port: 0,
  dataDir: null,
  seed: false,
  schedules: false,
  log: quietLogger,
  ...options,
}).catch((error: unknown) => {
  send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await runtime.stop();
  process.exit(0);
};

process.on('message', (message: RuntimeParentMessage) => {
  if (message.kind === 'stop') void stop();
  if (message.kind === 'max-rss') send({ kind: 'max-rss', kb: process.resourceUsage().maxRSS });
  if (message.kind === 'wait-idle') {
    runtime
      .waitForQueuesIdle({ timeoutMs: message.timeoutMs })
      .then(() => send({ kind: 'idle', ok: true }))
      .catch((error: unknown) => send({ kind: 'idle', ok: false, message: String(error) }));
  }
});
// The bench died or was interrupted: never leave DynamoDB Local or fauxqs behind.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

send({
  kind: 'ready',
  baseUrl: runtime.baseUrl,
  devToken: runtime.devToken,
  endpoints: runtime.endpoints,
  dynamodbPid: runtime.pids.dynamodb,
  fauxqsPid: runtime.pids.fauxqs,
  startupMs: runtime.startupMs.total,
});
