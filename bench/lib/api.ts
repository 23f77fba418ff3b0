/** A small HTTP client for the benches: ops calls with the dev token, polling bounded in time. */
import type { Readable } from 'node:stream';

export interface ApiAnswer {
  status: number;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called with every answer (e.g. to print progress). */
  onTick?: (body: Record<string, unknown>) => void;
}

export interface BenchApi {
  baseUrl: string;
  call(
    method: string,
    path: string,
    options?: {
      body?: string | Buffer | Readable;
      type?: string;
      /** Send the dev token (default true). */
      auth?: boolean;
      headers?: Record<string, string>;
    },
  ): Promise<ApiAnswer>;
  /** GETs `path` until `done` says so; throws after `timeoutMs` or on a 5xx. */
  poll<T = Record<string, unknown>>(
    path: string,
    done: (body: Record<string, unknown>) => boolean,
    options: PollOptions,
  ): Promise<T>;
}

/** Throws with the status and the start of the body unless the status is one of `ok`. */
export const expectStatus = (answer: ApiAnswer, ok: number[], what: string): ApiAnswer => {
  if (!ok.includes(answer.status)) {
    throw new Error(`${what}: HTTP ${answer.status} ${answer.text.slice(0, 400)}`);
  }
  return answer;
};

export const benchApi = (baseUrl: string, devToken: string): BenchApi => {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(baseUrl))
    throw new Error(`loopback only: ${baseUrl}`);
  const api: BenchApi = {
    baseUrl,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.auth ?? true) headers.authorization = `Bearer ${devToken}`;
      if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json';
      const init: Record<string, unknown> = { method, headers };
      if (options.body !== undefined) {
        init.body = options.body;
        // A stream body needs half-duplex in Node's fetch.
        if (typeof options.body === 'object' && 'pipe' in options.body) init.duplex = 'half';
      }
      const res = await fetch(`${baseUrl}${path}`, init as RequestInit);
      const text = await res.text();
      return {
        status: res.status,
        text,
        json: <T>() => JSON.parse(text) as T,
      };
    },
    async poll<T>(path: string, done: (body: Record<string, unknown>) => boolean, o: PollOptions) {
      const deadline = Date.now() + o.timeoutMs;
      for (;;) {
        const answer = await api.call('GET', path);
        if (answer.status >= 500)
          throw new Error(`poll ${path}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
        if (answer.status === 200) {
          const body = answer.json();
          o.onTick?.(body);
          if (done(body)) return body as T;
        }
        if (Date.now() > deadline) throw new Error(`poll ${path}: not done after ${o.timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, o.intervalMs ?? 200));
      }
    },
  };
  return api;
};
