import { assessmentsReader } from '../../shared/tables/assessments.ts';
import { roundsReader } from '../../shared/tables/rounds.ts';
import { samplesReader } from '../../shared/tables/samples.ts';
import { submissionsReader } from '../../shared/tables/submissions.ts';
import type { ScoringDeps } from './handle-event.ts';
import { resultStore } from './store.ts';

/** The real readers and the results store, built once per container. */
export const scoringDeps = (): ScoringDeps => ({
  rounds: roundsReader(),
  samples: samplesReader(),
  submissions: submissionsReader(),
  results: resultStore(),
  assessments: assessmentsReader(),
});
