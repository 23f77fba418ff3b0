import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATCH_MAX_BYTES,
  batchEntries,
  chunkByBytes,
  MESSAGE_MAX_BYTES,
  RowTooLargeError,
} from '../../../services/roster-intake/roster-parser.ts';

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

describe('chunkByBytes', () => {
  it('keeps every chunk (with its envelope) under the cap whatever the row width, in order, nothing lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ row: fc.nat(), address: fc.string({ unit: 'grapheme', maxLength: 300 }) }), {
          maxLength: 300,
        }),
        fc.integer({ min: 4_000, max: 20_000 }),
        async (rows, maxBytes) => {
          const envelope = bytes({ kind: 'roster-chunk', importId: 'imp_x', chunkIndex: 0, rows: [] });
          const chunks = await collect(chunkByBytes(rows, { maxBytes, envelopeBytes: envelope }));
          for (const c of chunks) {
            expect(c.length).toBeGreaterThan(0);
            expect(bytes(c) + envelope).toBeLessThanOrEqual(maxBytes);
          }
          expect(chunks.flat()).toEqual(rows);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a 20,000-row roster with addresses becomes messages under 200 KiB each', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      row: i + 2,
      nameEnc: 'x'.repeat(80),
      phoneEnc: 'y'.repeat(60),
      addressEnc: `Số ${i} đường Lê Lợi, phường Bến Nghé, quận 1 `.repeat(2),
    }));
    const chunks = await collect(chunkByBytes(rows, { envelopeBytes: 200 }));
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(bytes(c) + 200).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
    const batches = [...batchEntries(chunks)];
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(10);
      expect(b.reduce((n, m) => n + bytes(m), 0)).toBeLessThanOrEqual(BATCH_MAX_BYTES);
    }
    expect(batches.flat()).toEqual(chunks);
  });

  it('refuses a single row larger than the cap instead of sending an oversized message', async () => {
    await expect(collect(chunkByBytes([{ a: 'x'.repeat(500) }], { maxBytes: 100 }))).rejects.toBeInstanceOf(
      RowTooLargeError,
    );
  });
});

describe('batchEntries', () => {
  it('groups by at most 10 entries and by bytes', () => {
    const small = Array.from({ length: 25 }, (_, i) => ({ i }));
    expect([...batchEntries(small)].map((b) => b.length)).toEqual([10, 10, 5]);
    const big = Array.from({ length: 7 }, () => 'z'.repeat(300 * 1024));
    const batches = [...batchEntries(big)];
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
  });
});

describe('utf8WholeChunks', () => {
  it('never ends a chunk inside a character and loses no byte', async () => {
    const { utf8WholeChunks } = await import('../../../services/roster-intake/xlsx-source.ts');
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 1, max: 7 }),
        async (s, n) => {
          const all = Buffer.from(s);
          const pieces = (async function* () {
            for (let i = 0; i < all.length; i += n) yield all.subarray(i, i + n);
          })();
          const chunks = await collect(utf8WholeChunks(pieces));
          for (const c of chunks)
            expect(new TextDecoder('utf-8', { fatal: true }).decode(c)).toBeTypeOf('string');
          expect(Buffer.concat(chunks).equals(all)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
