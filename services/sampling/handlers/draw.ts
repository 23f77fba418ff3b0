import { keys } from '../../../shared/platform/crypto.ts';
import { queueHandler } from '../../../shared/platform/queue.ts';
import { respondentStore } from '../../roster-intake/store.ts';
import { runDraw } from '../run-draw.ts';
import { drawMessageSchema } from '../schemas.ts';
import { sampleStore } from '../store.ts';

const samples = sampleStore();
const respondents = respondentStore();

export const handler = queueHandler('sampling', drawMessageSchema, async (message) =>
  runDraw(message, { samples, respondents, keys: await keys() }),
);
