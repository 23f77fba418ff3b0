/**
 * The `$default` route: every request no route matched. Answers 404 or 405 (with `Allow`) in
 * the JSON error model, from the same route table the manifests declare.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { errorBody, type HttpEvent, type HttpResult, json } from '../../../shared/platform/http.ts';
import { compileRoutes, matchRoute } from '../../../shared/platform/routes.ts';
import { ALL_FUNCTIONS } from '../../manifests.ts';

const routes = compileRoutes(ALL_FUNCTIONS);

export const handler = middy<HttpEvent, HttpResult, Error, Context>().handler(async (event) => {
  const { method, path } = event.requestContext.http;
  const match = matchRoute(routes, method, path);
  if (match.kind === 'not-found') return json(404, errorBody('NOT_FOUND', 'Không tìm thấy đường dẫn.'));
  // A HEAD that found its GET route here was not declared for HEAD in AWS: say what is allowed.
  const allow = match.kind === 'method-not-allowed' ? match.allow : [match.route.method];
  return json(
    405,
    errorBody('METHOD_NOT_ALLOWED', `Phương thức ${method} không được hỗ trợ ở đường dẫn này.`),
    {
      allow: allow.join(', '),
    },
  );
});
