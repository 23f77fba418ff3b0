/**
 * Function manifests: each service declares its functions once in `services/<service>/functions.ts`.
 * The CDK stateless stack and the local runtime both read `ALL_FUNCTIONS` (services/manifests.ts),
 * so routes, queues and permissions are defined in exactly one place.
 */
import { type HttpMethod, httpRoutesOf, type RouteDeclarations } from './http/routes.ts';
import type { BucketName, QueueName, TableName } from './resources.ts';

export type { HttpMethod } from './http/routes.ts';

export interface HttpRoute {
  method: HttpMethod;
  /** API Gateway v2 route path, with `{param}` segments, e.g. `/api/rounds/{roundId}`. */
  path: string;
}

export type Trigger =
  | {
      kind: 'http';
      routes: HttpRoute[];
      /** `ops` routes need an authenticated principal (JWT authorizer in AWS, dev token locally). */
      auth: 'ops' | 'public';
      /**
       * Also answers every request that no route matches (the `$default` route in AWS; the local
       * gateway calls it the same way), so unknown paths and wrong methods get the JSON error model.
       */
      fallback?: boolean;
    }
  | { kind: 'queue'; queue: QueueName; batchSize: number; maxBatchingWindowSeconds?: number }
  | {
      kind: 'schedule';
      /** EventBridge Scheduler expression, e.g. `cron(0 2 * * ? *)` (UTC) or `rate(1 day)`. */
      expression: string;
      /** Fixed JSON payload delivered as the event. */
      payload?: Record<string, unknown>;
    };

export type Access = 'read' | 'readWrite';

export interface FunctionManifest {
  /** Unique, kebab-case, `<service>-<purpose>`; also the CDK construct id. */
  name: string;
  service: string;
  description: string;
  /** Path of the handler module from the repository root. */
  entry: string;
  /** Exported handler name (default `handler`). */
  handler?: string;
  trigger: Trigger;
  tables: Partial<Record<TableName, Access>>;
  /** Queues this function sends to (its trigger queue is granted consume access separately). */
  sendsTo: QueueName[];
  buckets: Partial<Record<BucketName, Access>>;
  /** Needs the form-token / PII secret. */
  usesSecret: boolean;
  /** Sends notifications (shared/platform/notify.ts): SMS through SNS, e-mail through SES in AWS. */
  notifies?: boolean;
  memoryMb?: number;
  timeoutSeconds?: number;
}

export const defineFunctions = (
  service: string,
  fns: Array<
    Omit<FunctionManifest, 'service' | 'sendsTo' | 'buckets' | 'tables' | 'usesSecret'> &
      Partial<FunctionManifest>
  >,
): FunctionManifest[] =>
  fns.map((f) => ({
    tables: {},
    sendsTo: [],
    buckets: {},
    usesSecret: false,
    ...f,
    service,
  }));

/**
 * The HTTP trigger of a function from its route declarations (services/<svc>/routes.ts), so the
 * manifest and the handler's dispatch read the same declarations. One function has one auth mode.
 */
export const httpTrigger = (routes: RouteDeclarations): Extract<Trigger, { kind: 'http' }> => {
  const modes = new Set(Object.values(routes).map((r) => r.auth));
  const [auth] = [...modes];
  if (modes.size !== 1 || auth === undefined) {
    throw new Error(`a function's routes must share one auth mode, got: ${[...modes].join(', ') || 'none'}`);
  }
  return { kind: 'http', auth, routes: httpRoutesOf(routes) };
};
