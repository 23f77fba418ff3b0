import { describe, expect, it } from 'vitest';
import {
  buildHttpEvent,
  collectHeaders,
  formatRequestTime,
  type HttpRequestInput,
  isTextContentType,
  mapHandlerResult,
  parseQueryString,
} from '../../../infra/local/http-event.ts';

const base: HttpRequestInput = {
  method: 'post',
  url: '/api/rounds/r1?a=1&a=2&b=x+y&c',
  rawHeaders: [
    'Host',
    '127.0.0.1:3000',
    'User-Agent',
    'curl/8',
    'X-A',
    '1',
    'x-a',
    '2',
    'Content-Type',
    'application/json',
    'Cookie',
    'k=v; s=t',
  ],
  body: Buffer.from('{"a":"ă"}'),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  routeKey: 'POST /api/rounds/{roundId}',
  pathParameters: { roundId: 'r1' },
  authorizer: undefined,
  requestId: 'req-1',
  now: new Date(Date.UTC(2020, 2, 12, 19, 3, 58)),
};

describe('buildHttpEvent', () => {
  it('builds a payload 2.0 event', () => {
    expect(buildHttpEvent(base)).toEqual({
      version: '2.0',
      routeKey: 'POST /api/rounds/{roundId}',
      rawPath: '/api/rounds/r1',
      rawQueryString: 'a=1&a=2&b=x+y&c',
      cookies: ['k=v', 's=t'],
      headers: {
        host: '127.0.0.1:3000',
        'user-agent': 'curl/8',
        'x-a': '1,2',
        'content-type': 'application/json',
      },
      queryStringParameters: { a: '1,2', b: 'x y', c: '' },
      pathParameters: { roundId: 'r1' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: '127.0.0.1:3000',
        domainPrefix: '127',
        http: {
          method: 'POST',
          path: '/api/rounds/r1',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'curl/8',
        },
        requestId: 'req-1',
        routeKey: 'POST /api/rounds/{roundId}',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: Date.UTC(2020, 2, 12, 19, 3, 58),
      },
      body: '{"a":"ă"}',
      isBase64Encoded: false,
    });
  });

  it('leaves out what the request does not have', () => {
    const event = buildHttpEvent({
      ...base,
      url: '/',
      rawHeaders: [],
      body: Buffer.alloc(0),
      pathParameters: {},
    });
    for (const key of ['cookies', 'queryStringParameters', 'pathParameters', 'body'] as const) {
      expect(event).not.toHaveProperty(key);
    }
    expect(event.rawQueryString).toBe('');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes non-text bodies', () => {
    const body = Buffer.from([0xff, 0x00, 0x10]);
    const event = buildHttpEvent({ ...base, rawHeaders: ['content-type', 'image/png'], body });
    expect(event).toMatchObject({ isBase64Encoded: true, body: body.toString('base64') });
  });

  it('carries the authorizer context when given', () => {
    const authorizer = { jwt: { claims: { sub: 'dev' }, scopes: null } };
    expect(buildHttpEvent({ ...base, authorizer }).requestContext.authorizer).toEqual(authorizer);
  });
});

describe('helpers', () => {
  it('classifies text content types', () => {
    for (const t of [
      'application/json',
      'application/json; charset=utf-8',
      'text/csv',
      'text/html',
      'application/x-www-form-urlencoded',
      'application/csv',
      'application/problem+json',
    ]) {
      expect(isTextContentType(t)).toBe(true);
    }
    for (const t of [
      undefined,
      'application/octet-stream',
      'multipart/form-data; boundary=x',
      'image/png',
      'application/pdf',
    ]) {
      expect(isTextContentType(t)).toBe(false);
    }
  });

  it('joins repeated headers and query keys with commas', () => {
    expect(collectHeaders(['A', '1', 'a', '2', 'B', '3'])).toEqual({ a: '1,2', b: '3' });
    expect(parseQueryString('x=%C3%A2&x=b&=e&&y')).toEqual({ x: 'â,b', '': 'e', y: '' });
    expect(parseQueryString('')).toBeUndefined();
  });

  it('formats requestContext.time like API Gateway', () => {
    expect(formatRequestTime(new Date(Date.UTC(2024, 0, 5, 4, 5, 6)))).toBe('05/Jan/2024:04:05:06 +0000');
  });
});

describe('mapHandlerResult', () => {
  it('passes structured responses through', () => {
    const r = mapHandlerResult({
      statusCode: 201,
      headers: { 'Content-Type': 'text/csv', 'X-Count': 3 },
      cookies: ['a=1'],
      body: 'a,b',
    });
    expect(r).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'text/csv', 'x-count': '3' },
      cookies: ['a=1'],
      body: Buffer.from('a,b'),
    });
  });

  it('decodes base64 bodies', () => {
    expect(mapHandlerResult({ statusCode: 200, body: 'AAEC', isBase64Encoded: true }).body).toEqual(
      Buffer.from([0, 1, 2]),
    );
  });

  it('treats other results as a 200 JSON body', () => {
    expect(mapHandlerResult({ ok: true })).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"ok":true}'),
    });
    expect(mapHandlerResult('hi').body.toString()).toBe('hi');
    expect(mapHandlerResult([1]).body.toString()).toBe('[1]');
    expect(mapHandlerResult(undefined).body.length).toBe(0);
  });

  it('rejects malformed structured responses', () => {
    expect(() => mapHandlerResult({ statusCode: 'x' })).toThrow(/statusCode/);
    expect(() => mapHandlerResult({ statusCode: 99 })).toThrow(/statusCode/);
    expect(() => mapHandlerResult({ statusCode: 200, body: { a: 1 } })).toThrow(/body/);
    expect(() => mapHandlerResult({ statusCode: 200, cookies: 'a=1' })).toThrow(/cookies/);
  });
});
