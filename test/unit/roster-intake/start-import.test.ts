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
  settings: { minCellSize: 10, requireOtp: false, fastCompletionSeconds: 60, doubleEntry: false },
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
  ignoredBlank: 0,
  merged: 0,
  warned: 0,
});

const fakeStore = (existing: ImportRecord | null = null) => {
  const created: NewImport[] = [];
  const store: StartImportDeps['store'] = {
    getImport: async () => existing,
    createImport: async (r) => {
      created.push(r);
      return true;
    },
    putAudit: async () => {},
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

  it('chunks are sized by bytes: every message and every batch under its cap, whatever the row width', async () => {
    const wide = 'Số nhà rất dài, '.repeat(40);
    const lines = Array.from(
      { length: 300 },
      (_, i) =>
        `Người ${i},09${String(30_000_000 + i)},W${i},Tư pháp,U1,01/02/2026,"${i % 3 === 0 ? wide : 'x'}"`,
    );
    const { store, created } = fakeStore();
    const batches: RosterChunkMessage[][] = [];
    const cap = 8 * 1024;
    await startImport(
      round,
      { bytes: Buffer.from([CSV.split('\n')[0], ...lines].join('\n')), filename: 'w.csv' },
      admin,
      { store, keys, maxMessageBytes: cap, send: async (b) => void batches.push([...b]) },
    );
    const messages = batches.flat();
    expect(messages.length).toBeGreaterThan(10);
    for (const m of messages) expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThanOrEqual(cap);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(10);
    expect(messages.flatMap((m) => m.rows.map((r) => r.dossierId))).toEqual(lines.map((_, i) => `W${i}`));
    expect(new Set(messages.map((m) => m.chunkCount))).toEqual(new Set([messages.length]));
    expect(created[0]).toMatchObject({ valid: 300, chunkCount: messages.length, units: ['U1'] });
  });

  it('a file-level failure found after rows were read writes and sends nothing', async () => {
    const { store, created } = fakeStore();
    const sent: RosterChunkMessage[] = [];
    const broken = `${CSV}\nNgười cuối,0912000000,"H9,Tư pháp,U1,01/02/2026,\n`;
    await expect(
      startImport(round, { bytes: Buffer.from(broken), filename: 'b.csv' }, admin, {
        store,
        keys,
        send: async (m) => void sent.push(...m),
      }),
    ).rejects.toMatchObject({ code: 'MALFORMED_CSV' });
    expect(created).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('after the deadline: refused with the guard code unless an admin gives a reason', async () => {
    const late: Round = { ...round, schedule: { rostersDeadline: '2026-01-01T00:00:00+07:00' } };
    const { store, created } = fakeStore();
    const deps = { store, keys, send: async () => {}, now: () => new Date('2026-03-01T00:00:00Z') };
    const file = { bytes: Buffer.from(CSV), filename: 'ds.csv' };
    await expect(startImport(late, file, admin, deps)).rejects.toMatchObject({
      code: 'ROSTERS_DEADLINE_PASSED',
    });
    const operator = { sub: 'o', roles: ['operator' as const], units: '*' as const };
    await expect(
      startImport(late, file, operator, deps, { overrideReason: 'Gửi muộn' }),
    ).rejects.toMatchObject({
      code: 'OVERRIDE_NOT_ALLOWED',
    });
    expect(created).toEqual([]);
    await startImport(late, file, admin, deps, { overrideReason: 'Gửi bổ sung theo công văn' });
    expect(created).toHaveLength(1);
  });
});
