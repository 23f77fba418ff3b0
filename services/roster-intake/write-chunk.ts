import type { RosterChunkMessage } from './messages.ts';
import type { RowIssue } from './parse-roster.ts';
import type { RespondentStore } from './store.ts';

const CONCURRENCY = 16;

/** Consumer use case: write a chunk's dossiers and persons; count it once. */
export const writeChunk = async (message: RosterChunkMessage, store: RespondentStore): Promise<void> => {
  let stored = 0;
  const errors: RowIssue[] = [];
  const queue = [...message.rows];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const outcome = await store.putDossier(message.roundId, message.importId, row);
      if (outcome === 'duplicate') {
        errors.push({
          row: row.row,
          column: 'Mã hồ sơ',
          code: 'DUPLICATE_DOSSIER',
          message: `Mã hồ sơ "${row.dossierId}" đã có trong một danh sách nhập trước.`,
        });
        continue;
      }
      await store.putPerson(message.roundId, row);
      stored++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  errors.sort((a, b) => a.row - b.row);
  await store.completeChunk(message.roundId, message.importId, message.chunkIndex, {
    stored,
    duplicates: errors.length,
    errors,
  });
};
