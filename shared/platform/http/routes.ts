/**
 * Route declarations: each HTTP route's method, path, auth, roles, unit scope, body schema and size
 * limit, declared once in `services/<svc>/routes.ts`. The same object feeds the function manifest
 * (`httpTrigger`, read by CDK and the local gateway) and the handler's dispatch (`httpHandler`), whose
 * implementation map must have exactly one function per declared route (a compile error otherwise).
 */
import type { z } from 'zod';
import type { Principal, Role } from '../auth.ts';
import type { HttpEvent, HttpResult } from './responses.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface RouteDeclaration {
  method: Exclude<HttpMethod, 'HEAD'>;
  /** API Gateway v2 path with `{param}` segments, e.g. `/api/rounds/{roundId}`. */
  path: string;
  /** `ops` routes need an authenticated principal (JWT authorizer in AWS, dev token locally). */
  auth: 'ops' | 'public';
  /** Roles allowed (ops routes; default: every ops role). */
  roles?: readonly Role[];
  /** Acts on the whole province (every unit): refused to a caller scoped to some units. */
  allUnits?: boolean;
  /** Parse the body as JSON and validate it; without a schema the raw body is passed on. */
  body?: z.ZodType;
  maxBodyBytes?: number;
  /** Appended to the 413 message: what to do with a larger body (e.g. the presigned upload). */
  tooLargeHint?: string;
  /** GET routes only: also declare HEAD to API Gateway (link scanners probe with HEAD). */
  head?: boolean;
}

export type RouteDeclarations = Readonly<Record<string, RouteDeclaration>>;

/** Keeps the literal types (paths, auth) that the implementations are typed from. */
export const defineRoutes = <const R extends RouteDeclarations>(routes: R): R => routes;

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;
/** `'/api/rounds/{roundId}/samples/{sampleId}'` → `{ roundId: string; sampleId: string }`. */
export type PathParams<P extends string> = { readonly [K in ParamNames<P>]: string };

export interface RouteRequest<D extends RouteDeclaration> {
  event: HttpEvent;
  params: PathParams<D['path']>;
  query: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string>>;
  body: D['body'] extends z.ZodType ? z.output<D['body']> : undefined;
  rawBody: Buffer;
  principal: D['auth'] extends 'ops' ? Principal : Principal | null;
  /** Scheme + host the caller used (or DIEUTRA_PUBLIC_BASE_URL), for links in responses. */
  baseUrl: string;
}

export type RouteImplementation<D extends RouteDeclaration> = (req: RouteRequest<D>) => Promise<HttpResult>;

/** One implementation per declared route, no more, no less. */
export type RouteImplementations<R extends RouteDeclarations> = {
  readonly [K in keyof R]: RouteImplementation<R[K]>;
};

export const routeKeyOf = (d: Pick<RouteDeclaration, 'method' | 'path'>): string => `${d.method} ${d.path}`;

/** The `{param}` names of a path template, in order. */
export const paramNamesOf = (path: string): string[] =>
  [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? '').filter(Boolean);

/** The method + path pairs a set of declarations puts in a manifest (HEAD added where declared). */
export const httpRoutesOf = (routes: RouteDeclarations): Array<{ method: HttpMethod; path: string }> =>
  Object.values(routes).flatMap((d) => [
    { method: d.method, path: d.path },
    ...(d.head && d.method === 'GET' ? [{ method: 'HEAD' as const, path: d.path }] : []),
  ]);
