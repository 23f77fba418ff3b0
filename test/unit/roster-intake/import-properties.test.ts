/**
 * Property tests at the import level (issue 8 "Done when"): whatever bytes arrive, startImport
 * either refuses the whole file with a RosterFileError (a 422, nothing created) or creates one
 * import whose queued rows all carry their spreadsheet row number, with counts that add up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePhone } from '../../../services/roster-intake/phone.ts';
import { RosterFileError } from '../../../services/roster-intake/roster-errors.ts';
import { type StartImportDeps, startImport } from '../../../services/roster-intake/start-import.ts';
import type { RosterChunkMessage } from '../../../shared/contracts/roster-chunks.ts';
import { keysFromSecret, phoneBlindIndex } from '../../../shared/platform/crypto.ts';
import type { NewImport } from '../../../shared/tables/respondents.ts';
import { sipasRound } from '../support/fixtures.ts';

const keys = keysFromSecret('property-test-secret-0123456789');
const round = sipasRound({
  status: 'ROSTERS_OPEN',
  units: [
    { code: 'U1', name: 'Một' },
    { code: 'U2', name: 'Hai' },
  ],
  fields: [{ code: 'TP', name: 'Tư pháp' }],
});
const admin = { sub: 'a', roles: ['admin' as const], units: '*' as const };
const HEADER = 'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành';

const importOf = async (bytes: Uint8Array) => {
  const created: NewImport[] = [];
  const sent: RosterChunkMessage[] = [];
  const deps: StartImportDeps = {
    store: {
      getImport: async () => null,
      createImport: async (r) => {
        created.push(r);
        return true;
      },
      putAudit: async () => {},
    },
    keys,
    send: async (messages) => {
      sent.push(...messages);
    },
    now: () => new Date('2026-03-01T00:00:00Z'),
    maxMessageBytes: 2048,
  };
  try {
    await startImport(round, { bytes: Buffer.from(bytes), filename: 'x.csv' }, admin, deps);
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    expect(created).toEqual([]);
    expect(sent).toEqual([]);
    return null;
  }
  expect(created).toHaveLength(1);
  return { record: created[0] as NewImport, rows: sent.flatMap((m) => m.rows) };
};

const cell = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom(
    '0912345678',
    '912345679',
    '+84 91 234 5670',
    'Tư pháp',
    'TP',
    'U1',
    'U2',
    '01/02/2026',
    '46054',
    '',
    '"',
    '\r\n',
  ),
);
const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

describe('startImport properties (fast-check)', () => {
  it('arbitrary bytes: a file error with nothing written, or rows that all carry their row number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 500 }),
          fc
            .uint8Array({ maxLength: 300 })
            .map((b) => new Uint8Array(Buffer.concat([Buffer.from(`${HEADER}\n`), b]))),
        ),
        async (bytes) => {
          const out = await importOf(bytes);
          if (!out) return;
          for (const r of out.rows) expect(Number.isInteger(r.row) && r.row >= 2).toBe(true);
          expect(out.rows).toHaveLength(out.record.valid);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a real header over arbitrary cells: counts add up, merged = rows − distinct persons', async () => {
    let withRows = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            // Mostly plausible rows (few names and phones, so persons repeat), some arbitrary cells.
            fc.tuple(
              fc.constantFrom('Lê Thị Lan', 'Lê Thị  Lan', 'Lê Thị Lân', 'Trần Văn Nam', ''),
              fc.constantFrom('0912345678', '912345678', '+84 91 234 5670', '12', '02439876543'),
              fc.oneof(fc.constantFrom('H1', 'H2', 'H3'), fc.string({ minLength: 1, maxLength: 4 })),
              fc.constantFrom('TP', 'Tư pháp', 'XX'),
              fc.constantFrom('U1', 'U2', 'U9'),
              fc.constantFrom('01/02/2026', '46054', '31/02/2026'),
            ),
            fc.array(cell, { minLength: 6, maxLength: 6 }),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        async (rows) => {
          const text = [HEADER, ...rows.map((r) => r.map(quote).join(','))].join('\n');
          const out = await importOf(new TextEncoder().encode(text));
          if (!out) return;
          const { record } = out;
          if (out.rows.length > 0) withRows++;
          expect(record.valid + record.rejected).toBe(record.dataRows);
          expect(out.rows).toHaveLength(record.valid);
          expect(record.merged).toBe(record.valid - new Set(out.rows.map((r) => r.personKey)).size);
          expect(new Set(out.rows.map((r) => r.row)).size).toBe(out.rows.length);
          for (const r of out.rows) expect(r.phoneIndex).toMatch(/^[0-9a-f]{32}$/);
        },
      ),
      { numRuns: 150 },
    );
    // The property saw real imports, not only refusals.
    expect(withRows).toBeGreaterThan(0);
  });
});

describe('phone blind index properties (fast-check)', () => {
  it('normalising twice equals once, so the blind index of a re-normalised phone is the same', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(\+84|0084|84|0)?[0-9 .()\-\u00a0]{6,14}$/), (raw) => {
        const once = normalisePhone(raw);
        if (!once.ok) return;
        const twice = normalisePhone(once.e164);
        expect(twice).toEqual(normalisePhone(twice.ok ? twice.e164 : ''));
        expect(twice.ok && phoneBlindIndex(keys, twice.e164)).toBe(phoneBlindIndex(keys, once.e164));
      }),
      { numRuns: 1000 },
    );
  });
});
