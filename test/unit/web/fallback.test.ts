import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../services/web/handlers/fallback.ts';
import type { HttpEvent } from '../../../shared/platform/http.ts';

const call = async (method: string, path: string) => {
  const event = {
    routeKey: '$default',
    requestContext: { http: { method, path } },
    headers: {},
  } as unknown as HttpEvent;
  const res = (await handler(event, {} as Context)) as {
    statusCode: number;
    body: string;
    headers: Record<string, string>;
  };
  return { status: res.statusCode, allow: res.headers.allow, error: JSON.parse(res.body).error };
};

describe('$default fallback (AWS): the JSON error model for unmatched requests', () => {
  it('404 for a path no manifest declares', async () => {
    expect(await call('GET', '/api/khong-co')).toMatchObject({ status: 404, error: { code: 'NOT_FOUND' } });
  });

  it('405 with Allow for a declared path and another method', async () => {
    const res = await call('DELETE', '/api/rounds/r_1');
    expect(res).toMatchObject({ status: 405, error: { code: 'METHOD_NOT_ALLOWED' } });
    expect(res.allow).toBe('GET, HEAD');
    expect((await call('PUT', '/api/submissions')).allow).toBe('POST');
  });

  it('a HEAD that reached it (GET route without a declared HEAD) is told to use GET', async () => {
    expect(await call('HEAD', '/api/health')).toMatchObject({ status: 405, allow: 'GET' });
  });
});
