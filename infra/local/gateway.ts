/**
 * Local HTTP gateway: node:http → API Gateway HTTP API (payload 2.0) event → handler → HTTP response.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import { type CompiledRoute, matchRoute } from '../../shared/platform/routes.ts';
import type { Authorizer } from './authorizer.ts';
import type { ConsoleSite } from './console-site.ts';
import { LocalRuntimeError } from './errors.ts';
import { type GatewayErrorCode, gatewayError } from './http-errors.ts';
import { buildHttpEvent, type HttpResponse, mapHandlerResult } from './http-event.ts';
import type { Invoker } from './invoker.ts';
import type { LocalLogger } from './log.ts';
import { LOOPBACK } from './ports.ts';

/** API Gateway's payload limit. */
export const DEFAULT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/** API Gateway HTTP APIs give an integration at most 30 s. */
const INTEGRATION_TIMEOUT_MS = 30_000;

export interface GatewayOptions {
  routes: readonly CompiledRoute[];
  /** Function that answers unmatched requests (`$default` in AWS); without one, the gateway answers 404/405 itself. */
  fallback?: FunctionManifest;
  invoker: Invoker;
  authorizer: Authorizer;
  log: LocalLogger;
  bodyLimitBytes?: number;
  /** The ops console's static files and dev sign-in under /ops/ (CloudFront + S3 in AWS). */
  site?: ConsoleSite;
}

export interface Gateway {
  /** Binds 127.0.0.1:`port` (0 = any free port) and resolves with the bound port. */
  listen(port: number): Promise<number>;
  /** Until called, every request gets 503 (engines still starting). */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

class BodyTooLargeError extends Error {}

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });

const sendError = (
  res: ServerResponse,
  code: GatewayErrorCode,
  extraHeaders: Record<string, string> = {},
): void => {
  const { status, body } = gatewayError(code);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
};

/** How much of a refused body the gateway still reads (and discards), and for how long. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 15_000;

/**
 * Answers 413 before the (too large) body is read, then reads and discards what the client is
 * still sending, so that the client (a browser uploading a big file) gets to read the answer:
 * closing a socket with unread data makes the kernel reset the connection, which the client sees
 * as a network error (EPIPE / ECONNRESET) instead of the 413. A client that keeps sending beyond
 * DRAIN_MAX_BYTES or DRAIN_MAX_MS is cut off.
 */
const rejectTooLarge = (req: IncomingMessage, res: ServerResponse, requestId: string): void => {
  sendError(res, 'PAYLOAD_TOO_LARGE', { connection: 'close', 'apigw-requestid': requestId });
  const cutOff = () => req.socket.destroy();
  const timer = setTimeout(cutOff, DRAIN_MAX_MS).unref();
  let drained = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) {
      clearTimeout(timer);
      cutOff();
    }
  });
  req.once('end', () => clearTimeout(timer));
  req.once('error', () => clearTimeout(timer));
  req.resume();
};

const sendResponse = (
  res: ServerResponse,
  response: HttpResponse,
  head: boolean,
  requestId: string,
): void => {
  const headers: Record<string, string | string[] | number> = { ...response.headers };
  headers['content-type'] ??= 'application/json';
  headers['content-length'] = response.body.length;
  headers['apigw-requestid'] = requestId;
  if (response.cookies.length > 0) headers['set-cookie'] = response.cookies;
  res.writeHead(response.statusCode, headers);
  res.end(head ? undefined : response.body);
};

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};
const TIMED_OUT = Symbol('timed out');

export const createGateway = (options: GatewayOptions): Gateway => {
  const { routes, invoker, authorizer, log } = options;
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  let ready = false;
  const inFlight = new Set<Promise<void>>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    if (!ready) return sendError(res, 'SERVICE_UNAVAILABLE', { 'retry-after': '1' });
    if (options.site?.handles(url.split('?')[0] ?? '/')) return options.site.serve(req, res);

    const match = matchRoute(routes, method, url.split('?')[0] ?? '/');
    if (match.kind !== 'match' && options.fallback) {
      return invokeFallback(options.fallback, req, res, requestId);
    }
    if (match.kind === 'not-found') return sendError(res, 'NOT_FOUND', { 'apigw-requestid': requestId });
    if (match.kind === 'method-not-allowed') {
      return sendError(res, 'METHOD_NOT_ALLOWED', {
        allow: match.allow.join(', '),
        'apigw-requestid': requestId,
      });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return rejectTooLarge(req, res, requestId);

    const { route, pathParameters } = match;
    let authorizerContext: Awaited<ReturnType<Authorizer>> | undefined;
    if (route.auth === 'ops') {
      authorizerContext = await authorizer(req.headers.authorization);
      if (!authorizerContext.ok)
        return sendError(res, authorizerContext.code, { 'apigw-requestid': requestId });
    }

    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return rejectTooLarge(req, res, requestId);
      throw error;
    }

    const event = buildHttpEvent({
      method,
      url,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? LOOPBACK,
      protocol: `HTTP/${req.httpVersion}`,
      routeKey: route.routeKey,
      pathParameters,
      authorizer: authorizerContext?.ok ? authorizerContext.authorizer : undefined,
      requestId,
      now: new Date(),
    });
    try {
      const result = await withTimeout(invoker.invoke(route.fn, event, requestId), INTEGRATION_TIMEOUT_MS);
      if (result === TIMED_OUT) {
        log.error(
          `${route.fn.name}: ${route.routeKey} timed out after ${INTEGRATION_TIMEOUT_MS} ms (request ${requestId})`,
        );
        return sendError(res, 'GATEWAY_TIMEOUT', { 'apigw-requestid': requestId });
      }
      sendResponse(res, mapHandlerResult(result), method === 'HEAD', requestId);
    } catch (error) {
      // The error (with its stack) goes to stderr only; request bodies are never logged.
      log.error(`${route.fn.name}: ${route.routeKey} failed (request ${requestId})`, error);
      sendError(res, 'INTERNAL_ERROR', { 'apigw-requestid': requestId });
    }
  };

  /** Like API Gateway's `$default` route: no authorizer, the request body is not read. */
  const invokeFallback = async (
    fn: FunctionManifest,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
  ): Promise<void> => {
    req.resume();
    const method = (req.method ?? 'GET').toUpperCase();
    const event = buildHttpEvent({
      method,
      url: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      body: Buffer.alloc(0),
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? LOOPBACK,
      protocol: `HTTP/${req.httpVersion}`,
      routeKey: '$default',
      pathParameters: {},
      authorizer: undefined,
      requestId,
      now: new Date(),
    });
    try {
      sendResponse(
        res,
        mapHandlerResult(await invoker.invoke(fn, event, requestId)),
        method === 'HEAD',
        requestId,
      );
    } catch (error) {
      log.error(`${fn.name}: $default failed (request ${requestId})`, error);
      sendError(res, 'INTERNAL_ERROR', { 'apigw-requestid': requestId });
    }
  };

  const server: Server = createServer((req, res) => {
    const work = handle(req, res).catch((error: unknown) => {
      log.error('gateway failure', error);
      sendError(res, 'INTERNAL_ERROR');
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  // Slow or stuck clients must not hold the runtime open forever.
  server.requestTimeout = 60_000;

  return {
    listen: (port) =>
      new Promise((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException): void => {
          reject(
            error.code === 'EADDRINUSE'
              ? new LocalRuntimeError(
                  'PORT_BUSY',
                  `Cổng ${port} đang bận — đặt PORT=… để dùng cổng khác / Port ${port} is already in use — set PORT=… to use another one`,
                  { cause: error },
                )
              : error,
          );
        };
        server.once('error', onError);
        server.listen(port, LOOPBACK, () => {
          server.removeListener('error', onError);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    setReady: (value) => {
      ready = value;
    },
    close: async () => {
      ready = false;
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Let running handlers answer, but not forever.
      await withTimeout(Promise.allSettled([...inFlight]), 5_000);
      server.closeAllConnections();
      await closed;
    },
  };
};
