import { inject } from 'vitest';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience
  json: any;
}

export const baseUrl = (): string => inject('baseUrl');
export const devToken = (): string => inject('devToken');

export const api = async (
  method: string,
  path: string,
  opts: {
    body?: unknown;
    raw?: string | Buffer;
    type?: string;
    token?: string | null;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse> => {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? devToken() : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.type ?? 'text/csv';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = opts.type ?? 'application/json';
  }
  const res = await fetch(`${baseUrl()}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
};

/** Polls until `fn` returns a value (not undefined) or the deadline passes. Never a fixed sleep. */
export const eventually = async <T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** A roster import once its status is `completed` (roster.ts `importDone` also waits for its checks). */
export const importCompleted = (roundId: string, importId: string) =>
  eventually('import completed', async () => {
    const r = await api('GET', `/api/rounds/${roundId}/rosters/${importId}`);
    return r.json?.status === 'completed' ? r.json : undefined;
  });

/** A sample once its draw is completed; returns the manifest. */
export const sampleCompleted = (roundId: string, sampleId: string) =>
  eventually('sample drawn', async () => {
    const m = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
    return m.json?.status === 'completed' ? m.json : undefined;
  });

/**
 * Waits until the round's live counts (`live` of GET …/results) add up to `total` returned forms:
 * the scoring-events consumer counts them in batches gathered over a 1 s window, and a run's id
 * comes from those counts, so a run asked for before they landed is the previous one, reused.
 */
export const liveCountsReach = (roundId: string, total: number) =>
  eventually(`live counts adding up to ${total}`, async () => {
    const r = await api('GET', `/api/rounds/${roundId}/results`);
    const live: Array<{ unitCode: string; returned: number }> = r.json?.live ?? [];
    return live.reduce((a, c) => a + c.returned, 0) === total ? live : undefined;
  });

let counter = 0;
/** A unique suffix per call so test files never collide inside the shared runtime. */
export const unique = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
