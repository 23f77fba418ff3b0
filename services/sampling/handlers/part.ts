import { drawPartMessageSchema } from '../../../shared/contracts/sampling-parts.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { queueHandler } from '../../../shared/platform/queue.ts';
import { respondentsReader } from '../../../shared/tables/respondents.ts';
import { runDrawPart } from '../draw-parts.ts';
import { sampleStore } from '../store.ts';

const samples = sampleStore();
const respondents = respondentsReader();

export const handler = queueHandler('sampling', drawPartMessageSchema, async (message) =>
  runDrawPart(message, { samples, respondents, keys: await keys() }),
);
