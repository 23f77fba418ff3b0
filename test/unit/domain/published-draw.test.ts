import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawSample, type EligibleDossier } from '../../../shared/domain/draw.ts';
import {
  PUBLISHED_MANIFEST_FORMAT,
  type PublishedManifest,
  type PublishedRow,
  parsePersonKeysCsv,
  personKeysCsv,
  publishedRows,
  publishedRowsHash,
  recomputePublishedDraw,
  SamplingInputError,
  strataOf,
  verifyPublishedDraw,
} from '../../../shared/domain/index.ts';

const dossier = (i: number, person: string, unit: string, field: string, day: number): EligibleDossier => ({
  dossierId: `D-${String(1000 - i).padStart(4, '0')}`,
  personKey: person,
  unitCode: unit,
  fieldCode: field,
  completedOn: `2026-03-${String(1 + (day % 28)).padStart(2, '0')}`,
  row: 2 + (i % 7),
});

const roster = fc
  .array(
    fc.record({
      person: fc.integer({ min: 0, max: 40 }),
      unit: fc.constantFrom('U1', 'U2', '-U3'),
      field: fc.constantFrom('tu-phap', 'dat-dai'),
      day: fc.integer({ min: 0, max: 5 }),
    }),
    { minLength: 1, maxLength: 80 },
  )
  .map((xs) => xs.map((x, i) => dossier(i, `p${String(x.person).padStart(3, '0')}`, x.unit, x.field, x.day)));

const manifestFrom = async (
  rows: PublishedRow[],
  quotas: PublishedManifest['quotas'],
): Promise<PublishedManifest> => ({
  format: PUBLISHED_MANIFEST_FORMAT,
  roundId: 'r1',
  sampleId: 's1',
  algorithm: 'sha256-rank-v1',
  seed: 'seed-1',
  seedSource: 'request',
  quotas,
  roster: { versions: [], rosterHash: 'x', personKeysHash: publishedRowsHash(rows), dossiers: rows.length },
  requestedAt: '2026-04-01T00:00:00.000Z',
  strata: await recomputePublishedDraw({ roundId: 'r1', seed: 'seed-1', quotas }, rows),
});

describe('published draw (manifest.json + person-keys.csv)', () => {
  it('recomputing from published rows gives the reference draw (dossier ids replaced by their order)', async () => {
    await fc.assert(
      fc.asyncProperty(roster, async (dossiers) => {
        const ref = drawSample(
          dossiers,
          { seed: 'seed-1', roundId: 'r1', officialPerStratum: 2, reservePerStratum: 1 },
          strataOf(dossiers),
        );
        const again = await recomputePublishedDraw(
          { roundId: 'r1', seed: 'seed-1', quotas: { officialPerStratum: 2, reservePerStratum: 1 } },
          parsePersonKeysCsv(personKeysCsv(publishedRows(dossiers))),
        );
        const lists = (list: 'official' | 'reserve') =>
          Object.fromEntries(again.map((s) => [`${s.unitCode}#${s.fieldCode}`, s[list]]));
        const refLists = (list: 'official' | 'reserve') => {
          const out: Record<string, string[]> = Object.fromEntries(
            ref.counts.map((c) => [`${c.unitCode}#${c.fieldCode}`, [] as string[]]),
          );
          for (const p of ref.picks.filter((x) => x.list === list))
            out[`${p.unitCode}#${p.fieldCode}`]?.push(p.personKey);
          return out;
        };
        expect(lists('official')).toEqual(refLists('official'));
        expect(lists('reserve')).toEqual(refLists('reserve'));
        expect(again.map((s) => [s.eligible, s.shortfall])).toEqual(
          ref.counts.map((c) => [c.persons, c.shortfall]),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('verifies a faithful pair whatever the row order, and pins one altered row on its stratum', async () => {
    const dossiers = Array.from({ length: 30 }, (_, i) =>
      dossier(i, `p${i % 22}`, i % 3 === 0 ? 'U2' : 'U1', i % 2 ? 'tu-phap' : 'dat-dai', i),
    );
    const rows = publishedRows(dossiers);
    const manifest = await manifestFrom(rows, { officialPerStratum: 3, reservePerStratum: 2 });
    const shuffled = [...rows].reverse();
    const ok = await verifyPublishedDraw(manifest, parsePersonKeysCsv(personKeysCsv(shuffled)));
    expect(ok.match).toBe(true);
    expect(ok.strata.every((s) => s.match)).toBe(true);

    const victim = rows.findIndex((r) => r.unitCode === 'U2');
    const altered = rows.map((r, i) => (i === victim ? { ...r, completedOn: '2026-03-27' } : r));
    const bad = await verifyPublishedDraw(manifest, altered);
    expect(bad.match).toBe(false);
    expect(bad.personKeysHash.match).toBe(false);
    const wrong = bad.strata.filter((s) => !s.match);
    expect(wrong.map((s) => `${s.unitCode}#${s.fieldCode}`)).toEqual([
      `${rows[victim]?.unitCode}#${rows[victim]?.fieldCode}`,
    ]);
    expect(wrong[0]?.problems).toContain('ROWS');
  });

  it('a tampered list or quota in the manifest is a mismatch of that stratum', async () => {
    const dossiers = Array.from({ length: 12 }, (_, i) => dossier(i, `p${i}`, 'U1', i % 2 ? 'a' : 'b', i));
    const rows = publishedRows(dossiers);
    const manifest = await manifestFrom(rows, {
      officialPerStratum: 0,
      reservePerStratum: 0,
      policy: { kind: 'fixed', official: 2, reserve: 1 },
    });
    const s0 = manifest.strata[0] as PublishedManifest['strata'][number];
    const swapped = {
      ...manifest,
      strata: [{ ...s0, official: [...s0.official].reverse() }, ...manifest.strata.slice(1)],
    };
    const res = await verifyPublishedDraw(swapped, rows);
    expect(res.strata.map((s) => s.problems)).toEqual([['OFFICIAL'], []]);
    const quota = {
      ...manifest,
      quotas: { ...manifest.quotas, policy: { kind: 'fixed' as const, official: 3, reserve: 1 } },
    };
    const q = await verifyPublishedDraw(quota, rows);
    expect(q.strata.every((s) => s.problems.includes('QUOTA') && s.problems.includes('OFFICIAL'))).toBe(true);
  });

  it('person-keys.csv is formula-safe and round-trips; a malformed file is refused with its line', () => {
    const rows = publishedRows([dossier(0, 'p1', '-U3', '=f', 0)]);
    const csv = personKeysCsv(rows);
    expect(csv).toContain(",'-U3,'=f,");
    expect(parsePersonKeysCsv(csv)).toEqual(rows);
    expect(() => parsePersonKeysCsv('a,b\r\n')).toThrow(SamplingInputError);
    expect(() => parsePersonKeysCsv(`${csv}x,p2,U1,f,2026-13,2\r\n`)).toThrow(/dòng 3/);
  });
});
