/**
 * Loads handler modules (lazily, once) and invokes them with a Lambda-shaped context, the way the
 * Lambda Node.js runtime does: `await handler(event, context)`.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import { LOCAL_REGION } from './clients.ts';

export type LambdaHandler = (event: unknown, context: Context) => unknown;

/** Used when a manifest sets no timeout (the API Gateway integration limit is 30 s). */
const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_MEMORY_MB = 128;

export const createLambdaContext = (fn: FunctionManifest, requestId: string = randomUUID()): Context => {
  const deadline = Date.now() + (fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const unsupported = (): never => {
    throw new Error('callback-style completion (done/fail/succeed) is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${fn.name}`,
    memoryLimitInMB: String(fn.memoryMb ?? DEFAULT_MEMORY_MB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
};

export class HandlerLoadError extends Error {
  override readonly name = 'HandlerLoadError';
}

export interface Invoker {
  invoke(fn: FunctionManifest, event: unknown, requestId?: string): Promise<unknown>;
  /** Imports every handler now, so a broken module shows at start; failures are returned, not thrown. */
  preload(functions: readonly FunctionManifest[]): Promise<Array<{ fn: FunctionManifest; error: unknown }>>;
}

export const createInvoker = (repoRoot: string): Invoker => {
  const modules = new Map<string, Promise<LambdaHandler>>();

  const load = (fn: FunctionManifest): Promise<LambdaHandler> => {
    const exportName = fn.handler ?? 'handler';
    const key = `${fn.entry}#${exportName}`;
    let loading = modules.get(key);
    if (!loading) {
      loading = import(pathToFileURL(resolve(repoRoot, fn.entry)).href).then(
        (mod: Record<string, unknown>) => {
          const handler = mod[exportName];
          if (typeof handler !== 'function') {
            throw new HandlerLoadError(
              `${fn.entry} does not export a function named "${exportName}" (${fn.name})`,
            );
          }
          return handler as LambdaHandler;
        },
      );
      // A failed import is retried next time (the file may be fixed while the runtime runs under --watch).
      loading.catch(() => modules.delete(key));
      modules.set(key, loading);
    }
    return loading;
  };

  return {
    async invoke(fn, event, requestId) {
      const handler = await load(fn);
      return await handler(event, createLambdaContext(fn, requestId));
    },
    async preload(functions) {
      const results = await Promise.all(
        functions.map((fn) =>
          load(fn).then(
            () => undefined,
            (error: unknown) => ({ fn, error }),
          ),
        ),
      );
      return results.filter((r): r is { fn: FunctionManifest; error: unknown } => r !== undefined);
    },
  };
};
