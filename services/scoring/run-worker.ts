/**
 * The `scoring-parts` consumer: plan / part / finalise (fan-out.ts). A deterministic failure (bad
 * input or configuration) ends the run `failed` at once with its reason; any other error is retried,
 * and on the queue's last receive the run is marked `failed` before the message goes to the DLQ — so a
 * run never stays `requested` or `running` for ever.
 */
import type { SQSRecord } from 'aws-lambda';
import type { ScoringPartsMessage } from '../../shared/contracts/scoring-parts.ts';
import { logger } from '../../shared/platform/logger.ts';
import { QUEUES } from '../../shared/platform/resources.ts';
import { failureReason, finaliseRun, isDeterministic, planRun, type RunDeps, scorePart } from './fan-out.ts';

export const handleRunMessage = async (
  message: ScoringPartsMessage,
  deps: RunDeps,
  record?: Pick<SQSRecord, 'attributes'>,
): Promise<void> => {
  try {
    if (message.kind === 'plan') await planRun(message, deps);
    else if (message.kind === 'part') await scorePart(message, deps);
    else await finaliseRun(message, deps);
  } catch (error) {
    const receives = Number(record?.attributes.ApproximateReceiveCount ?? 1);
    const last = receives >= QUEUES['scoring-parts'].maxReceiveCount;
    const deterministic = isDeterministic(error);
    if (deterministic || last) {
      const reason = failureReason(error);
      logger('scoring').error('scoring run failed', {
        roundId: message.roundId,
        runId: message.runId,
        step: message.kind,
        code: reason.code,
        error: error as Error,
      });
      await deps.results.markFailed(message.roundId, message.runId, reason);
      if (deterministic) return;
    }
    throw error;
  }
};
