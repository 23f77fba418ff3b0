/**
 * Route table of the HTTP API, shared by the local gateway and the AWS fallback ($default)
 * handler: matches a request path against the manifests' HTTP routes the way
 * API Gateway HTTP APIs do (`{param}` = exactly one non-empty path segment; a literal segment beats a
 * parameter at the same position).
 */
import type { FunctionManifest, HttpMethod } from './manifest.ts';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

export interface CompiledRoute {
  method: HttpMethod;
  /** As written in the manifest, e.g. `/api/rounds/{roundId}`. */
  path: string;
  /** API Gateway route key, e.g. `POST /api/rounds/{roundId}`. */
  routeKey: string;
  auth: 'ops' | 'public';
  fn: FunctionManifest;
  segments: Segment[];
}

export type RouteMatch =
  | { kind: 'match'; route: CompiledRoute; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: HttpMethod[] }
  | { kind: 'not-found' };

const splitPath = (path: string): string[] => (path === '/' ? [] : path.replace(/^\//, '').split('/'));

const compileSegments = (path: string): Segment[] =>
  splitPath(path).map((part) => {
    const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
    return param?.[1] ? { kind: 'param', name: param[1] } : { kind: 'literal', value: part };
  });

/** Builds the route table; refuses two functions claiming the same route key. */
export const compileRoutes = (functions: readonly FunctionManifest[]): CompiledRoute[] => {
  const routes: CompiledRoute[] = [];
  const seen = new Map<string, string>();
  for (const fn of functions) {
    if (fn.trigger.kind !== 'http') continue;
    for (const { method, path } of fn.trigger.routes) {
      const segments = compileSegments(path);
      // Two routes that differ only in parameter names are the same route for API Gateway.
      const shape = `${method} /${segments.map((s) => (s.kind === 'param' ? '{}' : s.value)).join('/')}`;
      const other = seen.get(shape);
      if (other !== undefined) {
        throw new Error(`Route ${method} ${path} is declared by both ${other} and ${fn.name}`);
      }
      seen.set(shape, fn.name);
      routes.push({ method, path, routeKey: `${method} ${path}`, auth: fn.trigger.auth, fn, segments });
    }
  }
  return routes;
};

/** Path parameters of `route` for `parts`, or undefined when it does not match. */
const matchSegments = (
  route: CompiledRoute,
  parts: readonly string[],
): Record<string, string> | undefined => {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i] ?? '';
    if (segment.kind === 'literal') {
      if (segment.value !== part) return undefined;
    } else {
      if (part === '') return undefined;
      try {
        params[segment.name] = decodeURIComponent(part);
      } catch {
        return undefined; // malformed %-escape: no route can take it
      }
    }
  }
  return params;
};

/** Literal segments earlier in the path win: compare position by position. */
const moreSpecific = (a: CompiledRoute, b: CompiledRoute): number => {
  for (let i = 0; i < a.segments.length; i++) {
    const ak = a.segments[i]?.kind;
    const bk = b.segments[i]?.kind;
    if (ak !== bk) return ak === 'literal' ? -1 : 1;
  }
  return 0;
};

/**
 * Finds the route for `method` + raw `path` (no query string). HEAD falls back to the GET route of the
 * same path: the gateway answers it like GET without a body.
 */
export const matchRoute = (routes: readonly CompiledRoute[], method: string, path: string): RouteMatch => {
  const parts = splitPath(path);
  const candidates = routes
    .map((route) => ({ route, params: matchSegments(route, parts) }))
    .filter((c): c is { route: CompiledRoute; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => moreSpecific(a.route, b.route));
  if (candidates.length === 0) return { kind: 'not-found' };
  const upper = method.toUpperCase();
  const hit =
    candidates.find((c) => c.route.method === upper) ??
    (upper === 'HEAD' ? candidates.find((c) => c.route.method === 'GET') : undefined);
  if (hit) return { kind: 'match', route: hit.route, pathParameters: hit.params };
  const allow = new Set<HttpMethod>();
  for (const { route } of candidates) {
    allow.add(route.method);
    if (route.method === 'GET') allow.add('HEAD');
  }
  return { kind: 'method-not-allowed', allow: [...allow].sort() };
};
