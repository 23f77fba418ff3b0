import { drawMessageSchema } from '../../../shared/contracts/sampling-requests.ts';
import { queueHandler } from '../../../shared/platform/queue.ts';
import { respondentsReader } from '../../../shared/tables/respondents.ts';
import { runDraw } from '../run-draw.ts';
import { sampleStore } from '../store.ts';

const samples = sampleStore();
const respondents = respondentsReader();

export const handler = queueHandler('sampling', drawMessageSchema, async (message) =>
  runDraw(message, { samples, respondents }),
);
