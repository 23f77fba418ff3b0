import type { RosterChunkMessage } from '../../shared/contracts/roster-chunks.ts';
import type { StoredRowIssue } from '../../shared/tables/respondents.ts';
import type { RespondentStore } from './store.ts';

export type ChunkStore = Pick<RespondentStore, 'isChunkDone' | 'putChunk' | 'completeChunk' | 'getImport'>;

/**
 * Consumer use case: write a chunk's dossiers and persons idempotently; count it once; on the last
 * chunk, ask for the quality checks (`onCompleted`: the roster-uploads message).
 */
export const writeChunk = async (
  message: RosterChunkMessage,
  store: ChunkStore,
  onCompleted: (roundId: string, importId: string) => Promise<void> = async () => {},
): Promise<void> => {
  // A chunk already counted was fully written: its redelivery writes nothing at all — but if the
  // import completed and its checks have not run, it asks again (a failed send must not lose them;
  // the checks are idempotent).
  if (await store.isChunkDone(message.roundId, message.importId, message.chunkIndex)) {
    const record = await store.getImport(message.roundId, message.importId);
    if (record?.status === 'completed' && !record.qualityCheckedAt) {
      await onCompleted(message.roundId, message.importId);
    }
    return;
  }
  const outcomes = await store.putChunk(message.roundId, message.importId, message.rows);
  const kept = message.rows.filter((r) => outcomes.get(r.row) !== 'duplicate');
  const errors: StoredRowIssue[] = message.rows
    .filter((r) => outcomes.get(r.row) === 'duplicate')
    .map((row) => ({
      row: row.row,
      column: 'Mã hồ sơ',
      code: 'DUPLICATE_DOSSIER',
      message: `Mã hồ sơ "${row.dossierId}" đã có trong một danh sách nhập trước.`,
    }));
  const outcome = await store.completeChunk(message.roundId, message.importId, message.chunkIndex, {
    stored: kept.length,
    duplicates: errors.length,
    errors,
  });
  // Exactly one delivery sees 'completed' (the conditional status flip), so checks run once.
  if (outcome === 'completed') await onCompleted(message.roundId, message.importId);
};
