import { sendRosterChunks } from '../../../shared/contracts/roster-chunks.ts';
import {
  isQualityChecks,
  recordsOf,
  rosterUploadMessageSchema,
} from '../../../shared/contracts/roster-uploads.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { logger } from '../../../shared/platform/logger.ts';
import { openObject } from '../../../shared/platform/objects.ts';
import { queueHandler } from '../../../shared/platform/queue.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { parseUpload } from '../parse-upload.ts';
import { runQualityChecks } from '../quality-checks.ts';
import { respondentStore } from '../store.ts';

const store = respondentStore();
const rounds = roundsReader();

export const handler = queueHandler('roster-intake', rosterUploadMessageSchema, async (message) => {
  // An import's last chunk was written: its checks over the whole round (idempotent, recomputed).
  if (isQualityChecks(message)) return runQualityChecks(message.roundId, message.importId, { store });
  for (const record of recordsOf(message)) {
    const outcome = await parseUpload(record, {
      store,
      loadRound: (roundId) => loadRound(roundId, rounds),
      openObject: (key) => openObject('uploads', key),
      keys: await keys(),
      send: sendRosterChunks,
    });
    // Ids and counts only: never the file name (it may name a person or a place).
    logger('roster-intake').info('roster upload read', { outcome });
  }
});
