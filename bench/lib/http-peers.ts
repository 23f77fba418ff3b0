/**
 * HTTP side of the benches: the bare `node:http` peer (in its own process) and a bounded
 * `autocannon` run whose every request is built by the caller (so each submission carries its own
 * token and body).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export interface BarePeer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const BARE_CHILD = fileURLToPath(new URL('./bare-http-child.ts', import.meta.url));

/** Starts the bare node:http server on 127.0.0.1:0 in a child process. */
export const startBareHttpPeer = async (options: { status?: number } = {}): Promise<BarePeer> => {
  const child = fork(BARE_CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DIEUTRA_BENCH_BARE_STATUS: String(options.status ?? 201) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bare http peer did not start within 30 s')), 30_000);
    child.once('message', (m: { kind: string; port: number }) => {
      clearTimeout(timer);
      resolve(m.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare http peer exited (code ${code})`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ kind: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

export interface BuiltRequest {
  path?: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** Origin, e.g. http://127.0.0.1:3000 (loopback only). */
  url: string;
  connections: number;
  /** Stop after this many responses … */
  amount?: number;
  /** … or after this many seconds (one of the two is required). */
  durationSeconds?: number;
  /** Hard stop whatever happens (default: duration + 30 s, or 120 s for an amount). */
  maxSeconds?: number;
  /** Builds request number `i` (0, 1, 2 …); called about amount + connections times. */
  build: (i: number) => BuiltRequest;
  /** Per-request timeout, seconds (default 10). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  /** Responses received (any status). */
  responses: number;
  /** Requests built (≥ responses: autocannon builds each connection's next one ahead). */
  built: number;
  durationMs: number;
  reqPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  /** True when the hard stop cut the run short. */
  cutShort: boolean;
}

export const runLoad = async (options: LoadOptions): Promise<LoadResult> => {
  const { url, connections, amount, durationSeconds, build } = options;
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?/.test(url)) throw new Error(`loopback only: ${url}`);
  if (!amount && !durationSeconds) throw new Error('runLoad needs an amount or a duration');
  const maxSeconds = options.maxSeconds ?? (durationSeconds ? durationSeconds + 30 : 120);
  let built = 0;
  let cutShort = false;
  let settle: (error: Error | null, result?: autocannon.Result) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    settle = (error, result) =>
      error || !result ? reject(error ?? new Error('no result')) : resolve(result);
  });
  const instance = autocannon(
    {
      url,
      connections,
      ...(amount ? { amount } : { duration: durationSeconds }),
      timeout: options.timeoutSeconds ?? 10,
      requests: [
        {
          setupRequest: (req) => {
            const r = build(built++);
            return {
              ...req,
              method: r.method ?? 'POST',
              path: r.path ?? '/',
              headers: { 'content-type': 'application/json', ...(r.headers ?? {}) },
              ...(r.body === undefined ? {} : { body: r.body }),
            };
          },
        },
      ],
    },
    (error, result) => settle(error, result),
  );
  const hardStop = setTimeout(() => {
    cutShort = true;
    instance.stop();
  }, maxSeconds * 1000);
  const result = await finished.finally(() => clearTimeout(hardStop));
  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[code] = stat.count ?? 0;
  }
  const responses = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  const durationMs = result.duration * 1000;
  return {
    responses,
    built,
    durationMs,
    reqPerSec: durationMs > 0 ? responses / (durationMs / 1000) : 0,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    cutShort,
  };
};

/** `201×1990 409×10`: status counts for a figure line. */
export const statusSummary = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
