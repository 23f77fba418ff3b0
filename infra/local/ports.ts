import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A port that is free on the loopback interface right now (bind :0, read it, release it). */
export const freeLoopbackPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });

/** Polls `probe` every `intervalMs` until it resolves true or `timeoutMs` passes. */
export const waitUntil = async (
  probe: () => Promise<boolean>,
  {
    timeoutMs,
    intervalMs,
    abort,
  }: { timeoutMs: number; intervalMs: number; abort?: () => Error | undefined },
): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const aborted = abort?.();
    if (aborted) throw aborted;
    if (await probe().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};
