import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalisePhone,
  RosterFileError,
  readRoster,
} from '../../../services/roster-intake/roster-parser.ts';
import { HEADER, inPieces, ROUND } from './roster-fixtures.ts';

/** Reads everything; a RosterFileError is an allowed outcome, anything else fails the property. */
const drain = async (bytes: Uint8Array, piece: number) => {
  const rows: Array<{ row: number }> = [];
  try {
    for await (const r of readRoster(inPieces(Buffer.from(bytes), piece), ROUND)) rows.push(r);
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
  }
  return rows;
};

const validRow = (rows: Array<{ row: number }>) => {
  let next = 2; // the header is row 1 at the earliest
  for (const r of rows) {
    expect(Number.isInteger(r.row)).toBe(true);
    expect(r.row).toBeGreaterThanOrEqual(next); // strictly increasing, below the header
    next = r.row + 1;
  }
};

describe('readRoster properties (fast-check)', () => {
  it('arbitrary bytes: only a RosterFileError, never a row without its row number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, piece) => {
          validRow(await drain(bytes, piece));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes behind a ZIP signature: only UNSUPPORTED_FORMAT-like file errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (tail) => {
        const bytes = Buffer.concat([Buffer.from('PK\x03\x04'), tail]);
        validRow(await drain(bytes, 50));
      }),
      { numRuns: 60 },
    );
  });

  const cell = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      '"',
      '""',
      '\r\n',
      '\n',
      ',',
      ';',
      '\t',
      '\u00a0',
      'Nguyễn',
      '0912345678',
      '01/02/2026',
      'U1',
      'TP',
    ),
  );

  it('a real header over arbitrary cells in any encoding: every row numbered, counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 25 }),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('utf8', 'utf16le'),
        async (records, d, encoding) => {
          const text = [HEADER.join(d), ...records.map((cells) => cells.join(d))].join('\n');
          const body = Buffer.from(text, encoding as BufferEncoding);
          const bytes = encoding === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
          const reader = readRoster(inPieces(bytes, 7), ROUND);
          const rows: Array<{ row: number; kind: string }> = [];
          try {
            for await (const r of reader) rows.push(r);
          } catch (error) {
            if (!(error instanceof RosterFileError)) throw error;
            return;
          }
          validRow(rows);
          const s = reader.summary;
          expect(s.accepted + s.rejected).toBe(s.dataRows);
          expect(rows.length).toBe(s.dataRows);
          expect(rows.filter((r) => r.kind === 'accepted').length).toBe(s.accepted);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('normalisePhone properties (fast-check)', () => {
  const phoneish = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.stringMatching(/^(\+84|0084|84|0)?[0-9 .()\-\u00a0]{6,14}$/),
  );

  it('never throws, and normalising its own output changes nothing', () => {
    fc.assert(
      fc.property(phoneish, (raw) => {
        const once = normalisePhone(raw);
        if (!once.ok) return;
        const twice = normalisePhone(once.e164);
        expect(twice.ok && twice.e164).toBe(once.e164);
        expect(twice.ok && twice.kind).toBe(once.kind);
        expect(once.e164).toMatch(/^\+84\d{9,10}$/);
      }),
      { numRuns: 2000 },
    );
  });
});
