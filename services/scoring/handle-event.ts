import type { ScoringEvent } from '../../shared/contracts/scoring-events.ts';
import { logger } from '../../shared/platform/logger.ts';
import { loadRound, type RoundsReader } from '../../shared/tables/rounds.ts';
import { type ComputeDeps, computeResults } from './compute-results.ts';
import { readRoundSubmissions, runIdOf, snapshotOf } from './snapshot.ts';
import type { ResultStore, RunPartInput } from './store.ts';

export interface ScoringDeps extends ComputeDeps {
  rounds: Pick<RoundsReader, 'get'>;
  results: Pick<
    ResultStore,
    'putLatest' | 'putRun' | 'putRunParts' | 'countReturned' | 'countReturnedMany' | 'getRun'
  >;
}

type Computed = Awaited<ReturnType<typeof computeResults>>;

/** The run's results split per unit × field, unit, field and round (one item each, not one per round). */
const partsOf = (r: Computed): RunPartInput[] => {
  const parts: RunPartInput[] = [];
  for (const uf of r.unitFields as Array<{ unitCode: string; fieldCode: string }>)
    parts.push({ ...uf, level: 'unitField' });
  for (const u of r.units) parts.push({ ...u, level: 'unit' });
  for (const f of ('fields' in r ? r.fields : []) as Array<{ fieldCode: string }>)
    parts.push({ ...f, level: 'field' });
  parts.push({ ...r.round, level: 'round' });
  return parts;
};

/**
 * Scores a round from what is stored now. The run id comes from the input snapshot unless a request
 * already named one (on demand: the id returned by POST …/scoring); a completed run with the same id is
 * not recomputed.
 */
export const scoreRound = async (
  roundId: string,
  requestedRunId: string | null,
  trigger: string,
  deps: ScoringDeps,
) => {
  const round = await loadRound(roundId, deps.rounds);
  const submissions = await readRoundSubmissions(round.id, deps.submissions);
  const snapshot = snapshotOf(round, submissions);
  const runId = requestedRunId ?? runIdOf(round.id, snapshot);
  const existing = await deps.results.getRun(round.id, runId);
  if (existing?.status === 'completed') {
    logger('scoring').info('run already completed', { roundId, runId });
    return { runId, reused: true };
  }
  const results = await computeResults(round, runId, deps, submissions, snapshot);
  const parts = partsOf(results);
  await deps.results.putRunParts(roundId, runId, parts);
  await deps.results.putLatest(roundId, { ...results, trigger });
  await deps.results.putRun(roundId, {
    runId,
    status: 'completed',
    at: existing?.at ?? results.computedAt,
    completedAt: results.computedAt,
    trigger: existing?.trigger ?? trigger,
    snapshot,
    parts: parts.length,
  });
  logger('scoring').info('round scored', { roundId, runId, returned: submissions.length });
  return { runId, reused: false };
};

export const handleScoringEvent = async (event: ScoringEvent, deps: ScoringDeps): Promise<void> => {
  if (event.kind === 'submission-accepted') {
    await deps.results.countReturned(event);
    return;
  }
  await scoreRound(event.roundId, event.runId, 'on-demand', deps);
};
