import { sendScoringParts } from '../../shared/contracts/scoring-parts.ts';
import { roundsReader } from '../../shared/tables/rounds.ts';
import { samplesReader } from '../../shared/tables/samples.ts';
import type { ScoringDeps } from './handle-event.ts';
import type { RequestRunDeps } from './request-run.ts';
import { resultStore } from './store.ts';

/** The live counters' dependencies, built once per container. */
export const scoringDeps = (): ScoringDeps => ({ results: resultStore(), send: sendScoringParts });

/** What a run request needs (API and schedule): no submissions reader. */
export const requestRunDeps = (): RequestRunDeps => ({
  rounds: roundsReader(),
  samples: samplesReader(),
  results: resultStore(),
  send: sendScoringParts,
});
