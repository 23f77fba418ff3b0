/** The upload use case with fakes of our own interfaces (no AWS): what is queued, what is reported. */
import { describe, expect, it } from 'vitest';
import { type StartImportDeps, startImport } from '../../../services/roster-intake/start-import.ts';
import type { RosterChunkMessage } from '../../../shared/contracts/roster-chunks.ts';
import { decryptPii, keysFromSecret } from '../../../shared/platform/crypto.ts';
import type { ImportRecord, NewImport } from '../../../shared/tables/respondents.ts';
import type { Round } from '../../../shared/tables/rounds.ts';

const keys = keysFromSecret('unit-test-secret-0123456789');
const round: Round = {
  id: 'r1',
  name: 'R',
  year: 2026,
  kind: 'SIPAS',
  templateId: 'sipas-2024-v1',
  structure: 'two-tier',
  methodologyVersion: '2025.1',
  units: [
    { code: 'U1', name: 'Một' },
    { code: 'U2', name: 'Hai' },
  ],
  fields: [{ code: 'tu-phap', name: 'Tư pháp' }],
  scoringRules: {},
  status: 'ROSTERS_OPEN',
  settings: { minCellSize: 10, requireOtp: false, fastCompletionSeconds: 60 },
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'dev',
  requestHash: 'h',
};
const admin = { sub: 'a', roles: ['admin' as const], units: '*' as const };

const importRecord = (status: ImportRecord['status']): ImportRecord => ({
  importId: 'imp',
  roundId: 'r1',
  status,
  filename: 'ds.csv',
  fileHash: 'h',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'a',
  dataRows: 4,
  valid: 2,
  rejected: 2,
  warnings: 0,
  chunkCount: 1,
  errors: [],
  errorsTruncated: false,
  stored: 0,
  duplicates: 0,
  chunksDone: 0,
});

const fakeStore = (existing: ImportRecord | null = null) => {
  const created: NewImport[] = [];
  const store: StartImportDeps['store'] = {
    getImport: async () => existing,
    createImport: async (r) => {
      created.push(r);
      return true;
    },
  };
  return { store, created };
};

const CSV = [
  'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành,Địa chỉ',
  'Lê Thị Lan,0912345678,H1,tu phap,U1,01/02/2026,Số 1 phố Huế',
  'Trần Văn Nam,0912345679,H2,Tư pháp,U2,01/02/2026,',
  'Ngô Văn Lạ,0912345670,H3,Đất đai,U1,01/02/2026,',
  'Vũ Thị Xa,0912345671,H4,Tư pháp,U9,01/02/2026,',
].join('\n');

const run = async (
  opts: {
    existing?: ImportRecord | null;
    principal?: typeof admin | { sub: string; roles: ['operator']; units: string[] };
  } = {},
) => {
  const { store, created } = fakeStore(opts.existing ?? null);
  const sent: RosterChunkMessage[] = [];
  const result = await startImport(
    round,
    { bytes: Buffer.from(CSV), filename: 'ds.csv' },
    opts.principal ?? admin,
    {
      store,
      keys,
      send: async (messages) => {
        sent.push(...messages);
      },
    },
  );
  return { result, created, sent };
};

describe('startImport', () => {
  it('queues valid rows with sealed personal data and reports the others by row', async () => {
    const { result, created, sent } = await run();
    expect(result.created).toBe(true);
    expect(sent).toHaveLength(1);
    const rows = sent[0]!.rows;
    expect(rows.map((r) => [r.row, r.unitCode, r.fieldCode])).toEqual([
      [2, 'U1', 'tu-phap'],
      [3, 'U2', 'tu-phap'],
    ]);
    const wire = JSON.stringify(sent);
    for (const clear of ['Lê Thị Lan', '0912345678', '+84912345678', 'phố Huế'])
      expect(wire).not.toContain(clear);
    expect(decryptPii(keys, rows[0]!.nameEnc)).toBe('Lê Thị Lan');
    expect(decryptPii(keys, rows[0]!.phoneEnc)).toBe('+84912345678');
    expect(decryptPii(keys, rows[0]!.addressEnc!)).toBe('Số 1 phố Huế');
    expect(created[0]).toMatchObject({
      dataRows: 4,
      valid: 2,
      rejected: 2,
      chunkCount: 1,
      status: 'processing',
    });
    expect(created[0]!.errors.map((e) => [e.row, e.code])).toEqual([
      [4, 'UNKNOWN_FIELD'],
      [5, 'UNKNOWN_UNIT'],
    ]);
  });

  it('a unit focal point may only send rows of its own units', async () => {
    const { sent, created } = await run({ principal: { sub: 'f', roles: ['operator'], units: ['U1'] } });
    expect(sent[0]!.rows.map((r) => r.unitCode)).toEqual(['U1']);
    expect(created[0]!.errors.map((e) => e.code)).toContain('UNIT_NOT_ALLOWED');
  });

  it('the same file again: a completed import sends nothing; an unfinished one is re-queued, not re-created', async () => {
    const done = await run({ existing: importRecord('completed') });
    expect(done).toMatchObject({ result: { created: false }, sent: [], created: [] });
    const unfinished = await run({ existing: importRecord('processing') });
    expect(unfinished.result.created).toBe(false);
    expect(unfinished.created).toEqual([]);
    expect(unfinished.sent).toHaveLength(1);
  });
});
