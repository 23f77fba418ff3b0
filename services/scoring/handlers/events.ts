import { type ScoringEvent, scoringEventSchema } from '../../../shared/contracts/scoring-events.ts';
import { logger } from '../../../shared/platform/logger.ts';
import { eachMessage, queueBatchHandler } from '../../../shared/platform/queue.ts';
import { scoringDeps } from '../deps.ts';
import { handleScoringEvent } from '../handle-event.ts';

const deps = scoringDeps();

/**
 * Live counts for a whole batch (≤ 100 events over a 1 s window): one RETURNED# item per round, read
 * back as a union, so a form counts once however often delivered; run requests one by one. A failed
 * counter write fails only the counter records (retried).
 */
export const handler = queueBatchHandler('scoring', scoringEventSchema, async (messages) => {
  const isCount = (m: { message: ScoringEvent }) => m.message.kind === 'submission-accepted';
  const counts = messages.filter(isCount);
  const failed: string[] = [];
  if (counts.length > 0) {
    try {
      const { counted, duplicates } = await deps.results.countReturnedMany(
        counts.map((m) => m.message as Extract<ScoringEvent, { kind: 'submission-accepted' }>),
      );
      logger('scoring').debug('returned forms counted', { counted, duplicates });
    } catch (error) {
      logger('scoring').error('counting returned forms failed', {
        records: counts.length,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      failed.push(...counts.map((m) => m.record.messageId));
    }
  }
  const others = messages.filter((m) => !isCount(m));
  failed.push(...(await eachMessage('scoring', others, (event) => handleScoringEvent(event, deps))));
  return failed;
});
