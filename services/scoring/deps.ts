import { sampleStore } from '../sampling/store.ts';
import { submissionStore } from '../submission/store.ts';
import type { ScoringDeps } from './handle-event.ts';
import { resultStore } from './store.ts';

/** The real stores, built once per container. */
export const scoringDeps = (): ScoringDeps => ({
  samples: sampleStore(),
  submissions: submissionStore(),
  results: resultStore(),
});
