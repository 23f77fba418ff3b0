import type { ScoringEvent } from '../../shared/contracts/scoring-events.ts';
import type { SendScoringParts } from '../../shared/contracts/scoring-parts.ts';
import type { ResultStore } from './store.ts';

export interface ScoringDeps {
  results: Pick<ResultStore, 'countReturned' | 'countReturnedMany'>;
  send: SendScoringParts;
}

/**
 * The live path: a form accepted → its unit × field counter, once per token. A `score-round` message
 * (sent by earlier versions) is handed to the fan-out's planner, which ignores runs it does not know.
 */
export const handleScoringEvent = async (event: ScoringEvent, deps: ScoringDeps): Promise<void> => {
  if (event.kind === 'submission-accepted') {
    await deps.results.countReturned(event);
    return;
  }
  await deps.send([{ kind: 'plan', roundId: event.roundId, runId: event.runId }]);
};
