/**
 * The console's only way to the server: the public HTTP API on the same origin, with the signed-in
 * user's bearer token. Every failure becomes an ApiError carrying the API's code and Vietnamese message.
 */
import { currentToken, signOut } from './auth.ts';

export interface ErrorDetail {
  path?: string;
  row?: number;
  column?: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

const NETWORK_MESSAGE = 'Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.';

const toApiError = (status: number, text: string): ApiError => {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    if (body.error?.code)
      return new ApiError(status, body.error.code, body.error.message ?? '', body.error.details ?? []);
  } catch {
    // not the JSON error model (e.g. a proxy's page): fall through
  }
  return new ApiError(status, `HTTP_${status}`, `Máy chủ trả lời lỗi ${status}.`);
};

const authHeaders = (): Record<string, string> => {
  const token = currentToken();
  return token ? { authorization: `Bearer ${token}` } : {};
};

/** A 401 means the session is gone: back to the sign-in page with the reason. */
const onUnauthenticated = (error: ApiError): void => {
  if (error.status === 401) signOut(error.message);
};

export interface RequestOptions {
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export const request = async <T>(method: string, path: string, options: RequestOptions = {}): Promise<T> => {
  const headers: Record<string, string> = { ...authHeaders(), ...(options.headers ?? {}) };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, signal: options.signal ?? null });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_MESSAGE);
  }
  const text = await res.text();
  if (!res.ok) {
    const error = toApiError(res.status, text);
    onUnauthenticated(error);
    throw error;
  }
  return (text ? JSON.parse(text) : undefined) as T;
};

export const get = <T>(path: string, signal?: AbortSignal): Promise<T> =>
  request<T>('GET', path, signal ? { signal } : {});

/** A file the API answers with (CSV lists, error reports): fetched with the token, saved by the browser. */
export const download = async (path: string, fallbackName: string): Promise<void> => {
  let res: Response;
  try {
    res = await fetch(path, { headers: authHeaders() });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_MESSAGE);
  }
  if (!res.ok) {
    const error = toApiError(res.status, await res.text());
    onUnauthenticated(error);
    throw error;
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/**
 * A raw body upload with progress (fetch cannot report upload progress; XMLHttpRequest can).
 * `onProgress` gets a share in [0, 1].
 */
export const upload = <T>(
  method: string,
  url: string,
  body: Blob,
  options: { contentType: string; withAuth: boolean; onProgress: (share: number) => void },
): Promise<T> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader('content-type', options.contentType);
    if (options.withAuth) for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) options.onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', NETWORK_MESSAGE));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress(1);
        resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T);
      } else {
        const error = toApiError(xhr.status, xhr.responseText);
        onUnauthenticated(error);
        reject(error);
      }
    };
    xhr.send(body);
  });

/** Polls `fn` every `everyMs` until it returns a value; stops when `signal` aborts. */
export const poll = async <T>(
  fn: () => Promise<T | undefined>,
  options: { everyMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<T> => {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (options.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new ApiError(
        0,
        'TIMEOUT',
        'Máy chủ chưa xử lý xong sau thời gian chờ. Hãy tải lại trang sau ít phút.',
      );
    await new Promise((r) => setTimeout(r, options.everyMs ?? 500));
  }
};
