/**
 * The handler factory of every HTTP function: dispatches by `routeKey` to the implementation bound to
 * each route declaration, after authentication, authorisation, the size limit and body validation.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { NotFoundError } from '../errors.ts';
import { withLogContext } from '../logger.ts';
import { authorise } from './auth-guard.ts';
import { baseUrlOf, DEFAULT_MAX_BODY, lowerHeaders, parseJsonBody, rawBodyOf, stringRecord } from './body.ts';
import { toErrorResponse } from './error-mapping.ts';
import type { HttpEvent, HttpResult } from './responses.ts';
import {
  paramNamesOf,
  type RouteDeclaration,
  type RouteDeclarations,
  type RouteImplementations,
  type RouteRequest,
  routeKeyOf,
} from './routes.ts';

type AnyImplementation = (req: RouteRequest<RouteDeclaration>) => Promise<HttpResult>;

interface Bound {
  declaration: RouteDeclaration;
  params: string[];
  implementation: AnyImplementation;
}

const bind = (routes: RouteDeclarations, implementations: Record<string, unknown>): Map<string, Bound> => {
  const missing = Object.keys(routes).filter((name) => typeof implementations[name] !== 'function');
  const extra = Object.keys(implementations).filter((name) => !(name in routes));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`route implementations do not match declarations: missing [${missing}] extra [${extra}]`);
  }
  const table = new Map<string, Bound>();
  for (const [name, declaration] of Object.entries(routes)) {
    const implementation = implementations[name] as AnyImplementation;
    table.set(routeKeyOf(declaration), {
      declaration,
      params: paramNamesOf(declaration.path),
      implementation,
    });
  }
  return table;
};

const pathParams = (bound: Bound, event: HttpEvent): Record<string, string> => {
  const params: Record<string, string> = {};
  for (const name of bound.params) {
    const value = event.pathParameters?.[name];
    // API Gateway always fills declared parameters; a request without one matched no route.
    if (value === undefined || value === '') throw new NotFoundError('Không tìm thấy đường dẫn.');
    params[name] = value;
  }
  return params;
};

export const httpHandler = <R extends RouteDeclarations>(
  service: string,
  routes: R,
  implementations: RouteImplementations<R>,
) => {
  const table = bind(routes, implementations);
  const handler = middy<HttpEvent, HttpResult, Error, Context>()
    .use(withLogContext<HttpEvent, HttpResult>(service))
    .use({
      onError: (request) => {
        request.response = toErrorResponse(request.error, service);
      },
    })
    .handler(async (event) => {
      // HEAD is answered by the GET route (link scanners probe form links with HEAD).
      const key = event.routeKey.startsWith('HEAD ') ? `GET ${event.routeKey.slice(5)}` : event.routeKey;
      const bound = table.get(key);
      if (!bound) throw new NotFoundError('Không tìm thấy đường dẫn.');
      const { declaration } = bound;
      const principal = authorise(declaration, event);
      const headers = lowerHeaders(event.headers);
      const rawBody = rawBodyOf(
        event,
        declaration.maxBodyBytes ?? DEFAULT_MAX_BODY,
        declaration.tooLargeHint,
      );
      const body = declaration.body ? parseJsonBody(rawBody, headers, declaration.body) : undefined;
      const result = await bound.implementation({
        event,
        params: pathParams(bound, event),
        query: stringRecord(event.queryStringParameters),
        headers,
        body,
        rawBody,
        // Non-null for every ops route: `authorise` threw otherwise.
        principal,
        baseUrl: baseUrlOf(event, headers),
      } as RouteRequest<RouteDeclaration>);
      if (event.requestContext.http.method === 'HEAD') return { ...result, body: '' };
      return result;
    });
  /** The route keys this handler serves (checked against the manifests by a unit test). */
  return Object.assign(handler, { routeKeys: [...table.keys()] });
};
