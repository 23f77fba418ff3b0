/**
 * One handler factory for every HTTP function: routes by `routeKey`, authenticates and
 * authorises, parses and validates the body with zod, and maps errors to
 * `{ error: { code, message } }` once. Handlers stay a few lines long.
 */
import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import { DomainError, IssuesError } from '../core/errors.ts';
import {
  type Principal,
  principalFromClaims,
  type Role,
  requireAllUnits,
  requirePrincipal,
  requireRole,
} from './auth.ts';
import { platformConfig } from './config.ts';
import {
  AppError,
  MalformedJsonError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.ts';
import { logger, withLogContext } from './logger.ts';
import { zodDetails } from './validation.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpRequest<B> {
  event: HttpEvent;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: B;
  rawBody: Buffer;
  principal: Principal | null;
  /** Scheme + host the caller used (or DIEUTRA_PUBLIC_BASE_URL), for links in responses. */
  baseUrl: string;
}

export interface RouteDef<B> {
  auth: 'ops' | 'public';
  roles?: readonly Role[];
  /** Acts on the whole province (every unit): refused to a caller scoped to some units. */
  allUnits?: boolean;
  /** Parse the body as JSON and validate it; without a schema the raw body is passed on. */
  body?: z.ZodType<B>;
  maxBodyBytes?: number;
  handle: (req: HttpRequest<B>) => Promise<HttpResult>;
}

export const route = <B = undefined>(def: RouteDef<B>): RouteDef<B> => def;

const DEFAULT_MAX_BODY = 256 * 1024;
const OPS_ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const json = (
  statusCode: number,
  data: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
  },
  body: JSON.stringify(data),
});

export const text = (
  statusCode: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': contentType, 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers },
  body,
});

const scriptHashes = new Map<string, string>();
/** CSP source for an inline script, computed once per script text (the texts are module constants). */
const scriptHash = (source: string): string => {
  let hash = scriptHashes.get(source);
  if (!hash) {
    hash = `'sha256-${createHash('sha256').update(source).digest('base64')}'`;
    scriptHashes.set(source, hash);
  }
  return hash;
};

/**
 * An HTML page. Inline scripts are allowed by their hash only, so markup that slipped
 * through escaping (an injected `onerror=`) still cannot run.
 */
export const html = (statusCode: number, body: string, inlineScripts: readonly string[] = []): HttpResult =>
  text(statusCode, 'text/html; charset=utf-8', body, {
    'content-security-policy': [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      `script-src ${inlineScripts.length > 0 ? inlineScripts.map(scriptHash).join(' ') : "'none'"}`,
      "connect-src 'self'",
      "img-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  });

export const errorBody = (
  code: string,
  message: string,
  details?: unknown,
): { error: Record<string, unknown> } => ({
  error: details ? { code, message, details } : { code, message },
});

const lowerHeaders = (h: Record<string, string | undefined> | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
};

const rawBodyOf = (event: HttpEvent): Buffer =>
  event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);

const baseUrlOf = (event: HttpEvent, headers: Record<string, string>): string => {
  const configured = platformConfig().DIEUTRA_PUBLIC_BASE_URL;
  if (configured) return configured.replace(/\/$/, '');
  const proto = headers['x-forwarded-proto'] ?? 'https';
  return `${proto}://${event.requestContext.domainName}`;
};

const parseJsonBody = <B>(raw: Buffer, headers: Record<string, string>, schema: z.ZodType<B>): B => {
  const type = headers['content-type'] ?? '';
  if (raw.length > 0 && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError('Nội dung phải có Content-Type: application/json.');
  }
  let data: unknown;
  try {
    data = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MalformedJsonError();
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ValidationError('Dữ liệu gửi lên không hợp lệ.', zodDetails(parsed.error));
  return parsed.data;
};

export const toErrorResponse = (error: unknown, service: string): HttpResult => {
  if (error instanceof AppError)
    return json(error.statusCode, errorBody(error.code, error.message, error.details));
  // Methodology errors carry Vietnamese messages and the exact place (question, unit, setting).
  if (error instanceof IssuesError) {
    const details = error.issues.map((i) => ({ path: i.where, code: i.code, message: i.message }));
    return json(400, errorBody(error.code, 'Cấu hình hoặc dữ liệu phương pháp không hợp lệ.', details));
  }
  if (error instanceof DomainError) return json(422, errorBody(error.code, error.message));
  logger(service).error('unhandled error', { error: error instanceof Error ? error : String(error) });
  return json(500, errorBody('INTERNAL_ERROR', 'Lỗi hệ thống, vui lòng thử lại sau.'));
};

// biome-ignore lint/suspicious/noExplicitAny: each route carries its own body type
export const httpHandler = (service: string, routes: Record<string, RouteDef<any>>) =>
  middy<HttpEvent, HttpResult, Error, Context>()
    .use(withLogContext<HttpEvent, HttpResult>(service))
    .use({
      onError: (request) => {
        request.response = toErrorResponse(request.error, service);
      },
    })
    .handler(async (event) => {
      // HEAD is answered by the GET route (link scanners probe form links with HEAD).
      const key = event.routeKey.startsWith('HEAD ') ? `GET ${event.routeKey.slice(5)}` : event.routeKey;
      const def = routes[key];
      if (!def) throw new NotFoundError('Không tìm thấy đường dẫn.');
      const headers = lowerHeaders(event.headers);
      let principal = principalFromClaims(event.requestContext.authorizer?.jwt?.claims);
      if (def.auth === 'ops') {
        principal = requirePrincipal(principal);
        requireRole(principal, def.roles ?? OPS_ROLES);
        if (def.allUnits) requireAllUnits(principal);
      }
      const rawBody = rawBodyOf(event);
      const limit = def.maxBodyBytes ?? DEFAULT_MAX_BODY;
      if (rawBody.length > limit) throw new PayloadTooLargeError(limit);
      const body = def.body ? parseJsonBody(rawBody, headers, def.body) : undefined;
      const result = await def.handle({
        event,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers,
        body,
        rawBody,
        principal,
        baseUrl: baseUrlOf(event, headers),
      });
      if (event.requestContext.http.method === 'HEAD') return { ...result, body: '' };
      return result;
    });
