import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError } from '../../../shared/platform/errors.ts';
import { defineRoutes, type HttpEvent, httpHandler, json } from '../../../shared/platform/http.ts';

const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

const event = (
  routeKey: string,
  opts: { body?: string; type?: string; claims?: Record<string, string>; method?: string } = {},
): HttpEvent =>
  ({
    version: '2.0',
    routeKey,
    rawPath: routeKey.split(' ')[1],
    rawQueryString: '',
    headers: { host: 'example.test', ...(opts.type ? { 'content-type': opts.type } : {}) },
    pathParameters: { id: '42' },
    requestContext: {
      domainName: 'example.test',
      http: { method: opts.method ?? routeKey.split(' ')[0], path: routeKey.split(' ')[1] },
      ...(opts.claims ? { authorizer: { jwt: { claims: opts.claims, scopes: null } } } : {}),
    },
    body: opts.body,
    isBase64Encoded: false,
  }) as unknown as HttpEvent;

const routes = defineRoutes({
  createThing: {
    method: 'POST',
    path: '/things',
    auth: 'ops',
    roles: ['admin'],
    body: z.strictObject({ name: z.string().min(1) }),
    maxBodyBytes: 100,
  },
  getThing: { method: 'GET', path: '/things/{id}', auth: 'public' },
  boom: { method: 'GET', path: '/boom', auth: 'public' },
  conflict: { method: 'GET', path: '/conflict', auth: 'public' },
});

const handler = httpHandler('test', routes, {
  createThing: async ({ body, principal }) => json(201, { name: body.name, by: principal.sub }),
  getThing: async ({ params, baseUrl }) => json(200, { id: params.id, baseUrl }),
  boom: async () => {
    throw new Error('secret internals at /srv/app.ts:12');
  },
  conflict: async () => {
    throw new ConflictError('X_CONFLICT', 'Xung đột.');
  },
});

const call = async (e: HttpEvent) => {
  const res = (await handler(e, context)) as {
    statusCode: number;
    body: string;
    headers: Record<string, string>;
  };
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
};

const admin = { sub: 'u1', roles: 'admin', units: '*' };

describe('httpHandler', () => {
  it('runs the route with a validated body and the principal', async () => {
    const res = await call(
      event('POST /things', { body: '{"name":"a"}', type: 'application/json', claims: admin }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ name: 'a', by: 'u1' });
    expect(res.headers['content-type']).toContain('application/json');
  });

  it('401 without claims, 403 without the role', async () => {
    const none = await call(event('POST /things', { body: '{"name":"a"}', type: 'application/json' }));
    expect(none.statusCode).toBe(401);
    expect(none.json.error.code).toBe('UNAUTHENTICATED');
    const viewer = await call(
      event('POST /things', {
        body: '{"name":"a"}',
        type: 'application/json',
        claims: { sub: 'v', roles: '[viewer]', units: 'U1' },
      }),
    );
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json.error.code).toBe('FORBIDDEN');
  });

  it('400 for malformed JSON and for schema violations, with paths', async () => {
    const malformed = await call(
      event('POST /things', { body: '{"name":', type: 'application/json', claims: admin }),
    );
    expect(malformed.json.error.code).toBe('MALFORMED_JSON');
    const invalid = await call(
      event('POST /things', { body: '{"name":"","x":1}', type: 'application/json', claims: admin }),
    );
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['(gốc)', 'name']);
  });

  it('413 above the route limit, 415 for a non-JSON body', async () => {
    const big = await call(
      event('POST /things', {
        body: `{"name":"${'x'.repeat(200)}"}`,
        type: 'application/json',
        claims: admin,
      }),
    );
    expect(big.statusCode).toBe(413);
    const form = await call(
      event('POST /things', { body: 'name=a', type: 'application/x-www-form-urlencoded', claims: admin }),
    );
    expect(form.statusCode).toBe(415);
  });

  it('maps domain errors once and hides unknown errors behind a plain 500', async () => {
    const conflict = await call(event('GET /conflict'));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json).toEqual({ error: { code: 'X_CONFLICT', message: 'Xung đột.' } });
    const boom = await call(event('GET /boom'));
    expect(boom.statusCode).toBe(500);
    expect(boom.json.error.code).toBe('INTERNAL_ERROR');
    expect(boom.body).not.toContain('secret');
  });

  it('404 for a route key it does not serve; HEAD is answered by GET without a body', async () => {
    expect((await call(event('GET /nothing'))).statusCode).toBe(404);
    const head = await call(event('HEAD /things/{id}', { method: 'HEAD' }));
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('unit scope', () => {
  const scoped = httpHandler(
    'test',
    defineRoutes({
      province: { method: 'POST', path: '/province', auth: 'ops', roles: ['admin'], allUnits: true },
    }),
    { province: async () => json(202, {}) },
  );
  const post = async (claims: Record<string, string>) =>
    ((await scoped(event('POST /province', { claims }), context)) as { statusCode: number }).statusCode;

  it('province-wide actions need units "*"; a unit-scoped admin is refused', async () => {
    expect(await post(admin)).toBe(202);
    expect(await post({ sub: 'u2', roles: 'admin', units: 'U1 U2' })).toBe(403);
  });
});

describe('route declarations bind to implementations', () => {
  it('serves exactly the declared route keys', () => {
    expect([...handler.routeKeys].sort()).toEqual([
      'GET /boom',
      'GET /conflict',
      'GET /things/{id}',
      'POST /things',
    ]);
  });

  it('refuses a missing or an extra implementation at load time (for callers that bypass the types)', () => {
    const one = defineRoutes({ a: { method: 'GET', path: '/a', auth: 'public' } });
    const none: Record<string, never> = {};
    expect(() => httpHandler('test', one, none as never)).toThrow(/missing \[a\]/);
    const extra = { a: async () => json(200, {}), b: async () => json(200, {}) };
    expect(() => httpHandler('test', one, extra)).toThrow(/extra \[b\]/);
  });
});
