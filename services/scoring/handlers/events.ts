import { scoringEventSchema } from '../../../shared/contracts/scoring-events.ts';
import { queueHandler } from '../../../shared/platform/queue.ts';
import { scoringDeps } from '../deps.ts';
import { handleScoringEvent } from '../handle-event.ts';

const deps = scoringDeps();

export const handler = queueHandler('scoring', scoringEventSchema, (event) =>
  handleScoringEvent(event, deps),
);
