/** HTTP responses: JSON, text, HTML (with a strict CSP) and the one error body shape. */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

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
