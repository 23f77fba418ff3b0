/** The chunk consumer over an in-memory fake of the respondents store. */
import { describe, expect, it } from 'vitest';
import type { DossierOutcome } from '../../../services/roster-intake/store.ts';
import { type ChunkStore, writeChunk } from '../../../services/roster-intake/write-chunk.ts';
import type { ChunkRow, RosterChunkMessage } from '../../../shared/contracts/roster-chunks.ts';
import type { StoredRowIssue } from '../../../shared/tables/respondents.ts';

const row = (n: number, dossierId: string, personKey: string): ChunkRow => ({
  row: n,
  dossierId,
  personKey,
  nameEnc: `v1.name${n}`,
  phoneEnc: `v1.phone${n}`,
  phoneKind: 'mobile',
  unitCode: 'U1',
  fieldCode: 'tu-phap',
  completedOn: '2026-02-01',
  addressEnc: `v1.addr${n}`,
  birthYearEnc: `v1.by${n}`,
  sexEnc: `v1.sex${n}`,
});

const memoryStore = (taken: Map<string, { importId: string; row: number }>) => {
  const persons = new Map<string, ChunkRow>();
  const chunks = new Map<string, { stored: number; duplicates: number; errors: StoredRowIssue[] }>();
  /** The import record's state as getImport reports it (status, checks done). */
  const state = { status: 'processing', qualityCheckedAt: undefined as string | undefined };
  const store: ChunkStore = {
    async getImport(roundId, importId) {
      return { roundId, importId, ...state } as unknown as Awaited<ReturnType<ChunkStore['getImport']>>;
    },
    async isChunkDone(_roundId, importId, chunkIndex) {
      return chunks.has(`${importId}#${chunkIndex}`);
    },
    async putChunk(_roundId, importId, rows) {
      const outcomes = new Map<number, DossierOutcome>();
      for (const r of rows) {
        const holder = taken.get(r.dossierId);
        if (!holder) {
          taken.set(r.dossierId, { importId, row: r.row });
          outcomes.set(r.row, 'written');
        } else
          outcomes.set(
            r.row,
            holder.importId === importId && holder.row === r.row ? 'replayed' : 'duplicate',
          );
      }
      for (const r of rows) if (outcomes.get(r.row) !== 'duplicate') persons.set(r.personKey, r);
      return outcomes;
    },
    async completeChunk(_roundId, importId, chunkIndex, counts) {
      const key = `${importId}#${chunkIndex}`;
      if (chunks.has(key)) return 'replay';
      chunks.set(key, counts);
      // One chunk per import in these tests: counting it completes the import.
      state.status = 'completed';
      return 'completed';
    },
  };
  return { store, persons, chunks, state };
};

const message = (importId: string, rows: ChunkRow[]): RosterChunkMessage => ({
  kind: 'roster-chunk',
  roundId: 'r1',
  importId,
  chunkIndex: 0,
  chunkCount: 1,
  rows,
});

describe('writeChunk', () => {
  it('stores dossiers and persons with every sealed field; a dossier id held by another import is reported', async () => {
    const taken = new Map([['D9', { importId: 'imp-old', row: 5 }]]);
    const { store, persons, chunks } = memoryStore(taken);
    await writeChunk(message('imp1', [row(2, 'D1', 'p1'), row(3, 'D9', 'p9'), row(4, 'D2', 'p1')]), store);
    expect([...persons.keys()]).toEqual(['p1']);
    expect(persons.get('p1')).toMatchObject({
      addressEnc: 'v1.addr4',
      birthYearEnc: 'v1.by4',
      sexEnc: 'v1.sex4',
    });
    expect(chunks.get('imp1#0')).toEqual({
      stored: 2,
      duplicates: 1,
      errors: [
        {
          row: 3,
          column: 'Mã hồ sơ',
          code: 'DUPLICATE_DOSSIER',
          message: 'Mã hồ sơ "D9" đã có trong một danh sách nhập trước.',
        },
      ],
    });
  });

  it('a redelivered chunk is a replay: nothing reported as duplicate, counted once', async () => {
    const { store, chunks } = memoryStore(new Map());
    const m = message('imp1', [row(2, 'D1', 'p1')]);
    await writeChunk(m, store);
    await writeChunk(m, store);
    expect(chunks.size).toBe(1);
    expect(chunks.get('imp1#0')).toMatchObject({ stored: 1, duplicates: 0 });
  });

  it('asks for the quality checks once on completion, and again on a redelivery only while they have not run', async () => {
    const { store, state } = memoryStore(new Map());
    const asked: string[] = [];
    const onCompleted = async (_roundId: string, importId: string) => {
      asked.push(importId);
    };
    const m = message('imp1', [row(2, 'D1', 'p1')]);
    await writeChunk(m, store, onCompleted);
    expect(asked).toEqual(['imp1']);
    // The send failed (or the checks are still queued): a redelivery asks again.
    await writeChunk(m, store, onCompleted);
    expect(asked).toEqual(['imp1', 'imp1']);
    state.qualityCheckedAt = '2026-12-02T10:00:00.000Z';
    await writeChunk(m, store, onCompleted);
    expect(asked).toEqual(['imp1', 'imp1']);
  });
});
