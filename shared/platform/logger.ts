/**
 * Structured JSON logs through Powertools. Never pass a name, phone number, token or
 * answer text to the logger: log ids, counts and codes only.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { platformConfig } from './config.ts';

const loggers = new Map<string, Logger>();

export const logger = (serviceName: string): Logger => {
  let found = loggers.get(serviceName);
  if (!found) {
    found = new Logger({ serviceName, logLevel: platformConfig().DIEUTRA_LOG_LEVEL });
    loggers.set(serviceName, found);
  }
  return found;
};
