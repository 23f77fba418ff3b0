/**
 * Structured JSON logs through Powertools. Never pass a name, phone number, token or
 * answer text to the logger: log ids, counts and codes only.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { platformConfig } from './config.ts';

const loggers = new Map<string, Logger>();

/**
 * middy middleware: every log line of the invocation carries the Lambda context (function,
 * request id, cold start) and a correlation id (the API Gateway request id for HTTP).
 */
export const withLogContext = <E, R>(serviceName: string): MiddlewareObj<E, R, Error, Context> => ({
  before: (request) => {
    const log = logger(serviceName);
    log.resetKeys();
    log.addContext(request.context);
    const requestId = (request.event as { requestContext?: { requestId?: string } }).requestContext
      ?.requestId;
    if (requestId) log.appendKeys({ correlationId: requestId });
  },
});

export const logger = (serviceName: string): Logger => {
  let found = loggers.get(serviceName);
  if (!found) {
    found = new Logger({ serviceName, logLevel: platformConfig().DIEUTRA_LOG_LEVEL });
    loggers.set(serviceName, found);
  }
  return found;
};
