import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devTokenAuthorizer } from '../../../infra/local/authorizer.ts';
import { readMainConfig } from '../../../infra/local/config.ts';
import { REPO_ROOT } from '../../../infra/local/paths.ts';

describe('devTokenAuthorizer', () => {
  const authorize = devTokenAuthorizer('s3cret-token');
  it('tells a missing token from a wrong one', () => {
    expect(authorize(undefined)).toEqual({ ok: false, code: 'UNAUTHENTICATED' });
    expect(authorize('Basic abc')).toEqual({ ok: false, code: 'UNAUTHENTICATED' });
    expect(authorize('Bearer ')).toEqual({ ok: false, code: 'UNAUTHENTICATED' });
    expect(authorize('Bearer s3cret-tokeX')).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    expect(authorize('Bearer s3cret')).toEqual({ ok: false, code: 'INVALID_TOKEN' });
  });
  it('yields JWT-authorizer-shaped claims', () => {
    expect(authorize('bearer s3cret-token')).toEqual({
      ok: true,
      authorizer: { jwt: { claims: { sub: 'dev', roles: 'admin', units: '*' }, scopes: null } },
    });
  });
});

describe('readMainConfig', () => {
  it('has defaults', () => {
    expect(readMainConfig({}, [])).toEqual({
      port: 3000,
      dataDir: resolve(REPO_ROOT, '.data'),
      devToken: undefined,
      fresh: false,
      seed: true,
    });
  });
  it('reads PORT, DIEUTRA_DATA_DIR, DIEUTRA_DEV_TOKEN and flags', () => {
    expect(
      readMainConfig({ PORT: '0', DIEUTRA_DATA_DIR: '/tmp/x', DIEUTRA_DEV_TOKEN: 'abcdefgh' }, [
        '--fresh',
        '--no-seed',
      ]),
    ).toEqual({
      port: 0,
      dataDir: '/tmp/x',
      devToken: 'abcdefgh',
      fresh: true,
      seed: false,
    });
  });
  it('rejects bad values', () => {
    expect(() => readMainConfig({ PORT: 'abc' }, [])).toThrow(/PORT/);
    expect(() => readMainConfig({ PORT: '70000' }, [])).toThrow(/PORT/);
    expect(() => readMainConfig({}, ['--frsh'])).toThrow(/--frsh/);
  });
});
