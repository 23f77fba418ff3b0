import { rosterChunkMessageSchema } from '../../../shared/contracts/roster-chunks.ts';
import { sendQualityChecks } from '../../../shared/contracts/roster-uploads.ts';
import { queueHandler } from '../../../shared/platform/queue.ts';
import { respondentStore } from '../store.ts';
import { writeChunk } from '../write-chunk.ts';

const store = respondentStore();

export const handler = queueHandler('roster-intake', rosterChunkMessageSchema, (message) =>
  writeChunk(message, store, sendQualityChecks),
);
