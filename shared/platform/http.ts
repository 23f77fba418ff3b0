/**
 * HTTP plumbing, one concern per file under ./http/: responses, body reading, auth guard, error
 * mapping, route declarations and the handler factory. Import from here.
 */
export { authorise } from './http/auth-guard.ts';
export { DEFAULT_MAX_BODY, parseJsonBody } from './http/body.ts';
export { toErrorResponse } from './http/error-mapping.ts';
export { httpHandler } from './http/handler.ts';
export { errorBody, type HttpEvent, type HttpResult, html, json, text } from './http/responses.ts';
export {
  defineRoutes,
  httpRoutesOf,
  type PathParams,
  paramNamesOf,
  type RouteDeclaration,
  type RouteDeclarations,
  type RouteImplementation,
  type RouteImplementations,
  type RouteRequest,
  routeKeyOf,
} from './http/routes.ts';
