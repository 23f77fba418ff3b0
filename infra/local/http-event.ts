/**
 * API Gateway HTTP API payload format 2.0, built and answered the way AWS does it, so handlers cannot
 * tell the local gateway from the real one.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

export type JwtAuthorizerContext = APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'];

export interface HttpRequestInput {
  method: string;
  /** Request target as received: path plus optional `?query`. */
  url: string;
  /** `IncomingMessage.rawHeaders`: alternating names and values, duplicates kept. */
  rawHeaders: readonly string[];
  body: Buffer | undefined;
  sourceIp: string;
  protocol: string;
  routeKey: string;
  pathParameters: Record<string, string>;
  authorizer: JwtAuthorizerContext | undefined;
  requestId: string;
  now: Date;
}

/** The event the handler receives; with an `authorizer` when the route is protected. */
export type HttpEvent = APIGatewayProxyEventV2 & { requestContext: { authorizer?: JwtAuthorizerContext } };

const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|csv|xml)\b)/i;

/** Text-ish bodies reach the handler as utf-8 strings; everything else as base64. */
export const isTextContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && TEXT_CONTENT_TYPE.test(contentType.trim());

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
export const formatRequestTime = (d: Date): string =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;

/** Lower-cases names and joins repeated headers with ',' (payload 2.0 has no multi-value headers). */
export const collectHeaders = (rawHeaders: readonly string[]): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
};

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/** Repeated keys are joined with ',' as API Gateway does. */
export const parseQueryString = (raw: string): Record<string, string> | undefined => {
  if (raw === '') return undefined;
  const params: Record<string, string> = {};
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    params[key] = key in params ? `${params[key]},${value}` : value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
};

export const buildHttpEvent = (input: HttpRequestInput): HttpEvent => {
  const queryAt = input.url.indexOf('?');
  const rawPath = queryAt < 0 ? input.url : input.url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : input.url.slice(queryAt + 1);
  const headers = collectHeaders(input.rawHeaders);
  // Cookies travel in their own field, not in `headers`.
  const cookieHeader = headers.cookie;
  delete headers.cookie;
  const cookies = cookieHeader
    ?.split(/[;,]/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const domainName = headers.host ?? 'localhost';
  const method = input.method.toUpperCase();

  const event: HttpEvent = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path: rawPath,
        protocol: input.protocol,
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: '$default',
      time: formatRequestTime(input.now),
      timeEpoch: input.now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies && cookies.length > 0) event.cookies = cookies;
  const query = parseQueryString(rawQueryString);
  if (query) event.queryStringParameters = query;
  if (Object.keys(input.pathParameters).length > 0) event.pathParameters = { ...input.pathParameters };
  if (input.authorizer) event.requestContext.authorizer = input.authorizer;
  if (input.body && input.body.length > 0) {
    if (isTextContentType(headers['content-type'])) {
      event.body = input.body.toString('utf8');
    } else {
      event.body = input.body.toString('base64');
      event.isBase64Encoded = true;
    }
  }
  return event;
};

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

export class InvalidHandlerResponseError extends Error {
  override readonly name = 'InvalidHandlerResponseError';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Maps a handler's result like API Gateway: `{ statusCode, … }` is a structured response; anything
 * else is a 200 with the value as a JSON body (a string is sent as is).
 */
export const mapHandlerResult = (result: unknown): HttpResponse => {
  if (isRecord(result) && 'statusCode' in result) {
    const { statusCode, headers, cookies, body, isBase64Encoded } = result;
    if (
      typeof statusCode !== 'number' ||
      !Number.isInteger(statusCode) ||
      statusCode < 100 ||
      statusCode > 599
    ) {
      throw new InvalidHandlerResponseError(`invalid statusCode ${String(statusCode)}`);
    }
    const outHeaders: Record<string, string> = {};
    if (headers !== undefined) {
      if (!isRecord(headers)) throw new InvalidHandlerResponseError('headers must be an object');
      for (const [name, value] of Object.entries(headers)) {
        if (value === undefined || value === null) continue;
        outHeaders[name.toLowerCase()] = String(value);
      }
    }
    if (cookies !== undefined && !(Array.isArray(cookies) && cookies.every((c) => typeof c === 'string'))) {
      throw new InvalidHandlerResponseError('cookies must be an array of strings');
    }
    if (body !== undefined && body !== null && typeof body !== 'string') {
      throw new InvalidHandlerResponseError('body must be a string');
    }
    const text = typeof body === 'string' ? body : '';
    return {
      statusCode,
      headers: outHeaders,
      cookies: (cookies as string[] | undefined) ?? [],
      body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
    };
  }
  const body = result === undefined ? '' : typeof result === 'string' ? result : JSON.stringify(result);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body, 'utf8'),
  };
};
