import type { RosterChunkMessage } from './messages.ts';
import type { RowIssue } from './parse-roster.ts';
import type { RespondentStore } from './store.ts';

/** Consumer use case: write a chunk's dossiers and persons idempotently; count it once. */
export const writeChunk = async (message: RosterChunkMessage, store: RespondentStore): Promise<void> => {
  const outcomes = await store.putDossiers(message.roundId, message.importId, message.rows);
  const kept = message.rows.filter((r) => outcomes.get(r.row) !== 'duplicate');
  await store.putPersons(message.roundId, kept);
  const errors: RowIssue[] = message.rows
    .filter((r) => outcomes.get(r.row) === 'duplicate')
    .map((row) => ({
      row: row.row,
      column: 'Mã hồ sơ',
      code: 'DUPLICATE_DOSSIER',
      message: `Mã hồ sơ "${row.dossierId}" đã có trong một danh sách nhập trước.`,
    }));
  await store.completeChunk(message.roundId, message.importId, message.chunkIndex, {
    stored: kept.length,
    duplicates: errors.length,
    errors,
  });
};
