/** EventBridge Scheduler (the local ticker): applies the lifecycle moves whose dates have come. */
import type { Context } from 'aws-lambda';
import { logger } from '../../../shared/platform/logger.ts';
import { applyDueTransitions } from '../lifecycle.ts';
import { roundStore } from '../store.ts';

const store = roundStore();
const log = logger('rounds');

export const handler = async (_event: unknown, context: Pick<Context, 'awsRequestId'>) => {
  const result = await applyDueTransitions({ store });
  log.info('scheduled transitions', {
    requestId: context.awsRequestId,
    rounds: result.rounds,
    moved: result.moved.length,
  });
  return result;
};
