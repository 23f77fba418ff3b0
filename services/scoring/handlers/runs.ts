import { scoringPartsMessageSchema, sendScoringParts } from '../../../shared/contracts/scoring-parts.ts';
import { queueHandler } from '../../../shared/platform/queue.ts';
import { assessmentsReader } from '../../../shared/tables/assessments.ts';
import { roundsReader } from '../../../shared/tables/rounds.ts';
import { samplesReader } from '../../../shared/tables/samples.ts';
import { submissionsReader } from '../../../shared/tables/submissions.ts';
import type { RunDeps } from '../fan-out.ts';
import { handleRunMessage } from '../run-worker.ts';
import { resultStore } from '../store.ts';

const deps: RunDeps = {
  rounds: roundsReader(),
  samples: samplesReader(),
  submissions: submissionsReader(),
  results: resultStore(),
  send: sendScoringParts,
  assessments: assessmentsReader(),
};

export const handler = queueHandler('scoring', scoringPartsMessageSchema, (message, record) =>
  handleRunMessage(message, deps, record),
);
