import { describe, expect, it } from 'vitest';
import { ALL_FUNCTIONS } from '../../../services/manifests.ts';
import { defineFunctions } from '../../../shared/platform/manifest.ts';
import { compileRoutes, matchRoute } from '../../../shared/platform/routes.ts';

const fns = defineFunctions('t', [
  {
    name: 't-api',
    description: '',
    entry: 'x.ts',
    trigger: {
      kind: 'http',
      auth: 'ops',
      routes: [
        { method: 'GET', path: '/api/rounds/{roundId}' },
        { method: 'POST', path: '/api/rounds/{roundId}' },
        { method: 'GET', path: '/api/rounds/latest' },
        { method: 'GET', path: '/api/rounds/{roundId}/samples/{sampleId}/{list}' },
        { method: 'DELETE', path: '/api/{kind}/latest' },
      ],
    },
  },
  {
    name: 't-web',
    description: '',
    entry: 'y.ts',
    trigger: { kind: 'http', auth: 'public', routes: [{ method: 'GET', path: '/' }] },
  },
  {
    name: 't-q',
    description: '',
    entry: 'z.ts',
    trigger: { kind: 'queue', queue: 'roster-chunks', batchSize: 1 },
  },
]);
const routes = compileRoutes(fns);

describe('matchRoute', () => {
  it('matches {param} segments and decodes them', () => {
    const m = matchRoute(routes, 'GET', '/api/rounds/r%C3%B4-1');
    expect(m).toMatchObject({ kind: 'match', route: { routeKey: 'GET /api/rounds/{roundId}' } });
    expect(m.kind === 'match' && m.pathParameters).toEqual({ roundId: 'rô-1' });
  });

  it('prefers a literal segment over a parameter', () => {
    expect(matchRoute(routes, 'GET', '/api/rounds/latest')).toMatchObject({
      route: { routeKey: 'GET /api/rounds/latest' },
      pathParameters: {},
    });
    // …but only among routes of the request's method.
    expect(matchRoute(routes, 'POST', '/api/rounds/latest')).toMatchObject({
      route: { routeKey: 'POST /api/rounds/{roundId}' },
    });
  });

  it('matches the root path and deep routes', () => {
    expect(matchRoute(routes, 'GET', '/')).toMatchObject({ route: { fn: { name: 't-web' } } });
    const deep = matchRoute(routes, 'GET', '/api/rounds/r1/samples/s1/official.csv');
    expect(deep.kind === 'match' && deep.pathParameters).toEqual({
      roundId: 'r1',
      sampleId: 's1',
      list: 'official.csv',
    });
  });

  it('says 404 for unknown paths, empty segments and malformed escapes', () => {
    for (const path of [
      '/api',
      '/api/rounds',
      '/api/rounds/',
      '/api/rounds//samples/s/l',
      '/api/rounds/%E0%A4%A',
      '/x',
    ]) {
      expect(matchRoute(routes, 'GET', path)).toEqual({ kind: 'not-found' });
    }
  });

  it('says 405 with the allowed methods when only the method is wrong', () => {
    expect(matchRoute(routes, 'PUT', '/api/rounds/r1')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'HEAD', 'POST'],
    });
    expect(matchRoute(routes, 'PUT', '/api/rounds/latest')).toEqual({
      kind: 'method-not-allowed',
      allow: ['DELETE', 'GET', 'HEAD', 'POST'],
    });
  });

  it('answers HEAD with the GET route', () => {
    expect(matchRoute(routes, 'HEAD', '/api/rounds/r1')).toMatchObject({
      route: { routeKey: 'GET /api/rounds/{roundId}' },
    });
  });

  it('ignores non-HTTP functions and refuses duplicate routes', () => {
    expect(routes.every((r) => r.fn.name !== 't-q')).toBe(true);
    const twice = defineFunctions('d', [
      {
        name: 'a',
        description: '',
        entry: 'a.ts',
        trigger: { kind: 'http', auth: 'public', routes: [{ method: 'GET', path: '/a/{x}' }] },
      },
      {
        name: 'b',
        description: '',
        entry: 'b.ts',
        trigger: { kind: 'http', auth: 'public', routes: [{ method: 'GET', path: '/a/{y}' }] },
      },
    ]);
    expect(() => compileRoutes(twice)).toThrow(/declared by both a and b/);
  });

  it('compiles the real manifests without conflicts', () => {
    expect(compileRoutes(ALL_FUNCTIONS).length).toBeGreaterThan(0);
  });
});
