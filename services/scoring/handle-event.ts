import type { ScoringEvent } from '../../shared/contracts/scoring-events.ts';
import { logger } from '../../shared/platform/logger.ts';
import { loadRound, type RoundsReader } from '../../shared/tables/rounds.ts';
import { type ComputeDeps, computeResults } from './compute-results.ts';
import type { ResultStore } from './store.ts';

export interface ScoringDeps extends ComputeDeps {
  rounds: Pick<RoundsReader, 'get'>;
  results: Pick<ResultStore, 'putLatest' | 'putRun' | 'countReturned'>;
}

export const scoreRound = async (roundId: string, runId: string, trigger: string, deps: ScoringDeps) => {
  const round = await loadRound(roundId, deps.rounds);
  const results = await computeResults(round, runId, deps);
  await deps.results.putLatest(roundId, { ...results, trigger });
  await deps.results.putRun(roundId, { runId, status: 'completed', at: results.computedAt, trigger });
  logger('scoring').info('round scored', { roundId, runId, returned: results.round.counts.returned });
  return results;
};

export const handleScoringEvent = async (event: ScoringEvent, deps: ScoringDeps): Promise<void> => {
  if (event.kind === 'submission-accepted') {
    await deps.results.countReturned(event);
    return;
  }
  await scoreRound(event.roundId, event.runId, 'on-demand', deps);
};
