/**
 * The fanned-out draw (planner → scan → resolve → draw per part) gives the same lists and counts as
 * one draw of the whole roster, whatever the parts, the delivery order and replays — also when
 * persons have dossiers in units of different parts (rule 15 across parts).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { computeDraw } from '../../../services/sampling/compute-draw.ts';
import { planParts } from '../../../services/sampling/run-draw.ts';
import {
  claimBucket,
  closeDrawWorkers,
  decodeClaims,
  encodeClaims,
  losingClaims,
  type PersonClaim,
} from '../../../shared/domain/index.ts';
import type { DossierRecord } from '../../../shared/tables/respondents.ts';
import type { SampleManifest } from '../../../shared/tables/samples.ts';
import { keys } from '../support/fixtures.ts';
import { memoryDrawStore, memoryRespondents, runFannedOutDraw } from './memory-draw.ts';

afterAll(closeDrawWorkers);

const roster = fc
  .record({
    units: fc.uniqueArray(fc.stringMatching(/^U[0-9]{1,2}$/), { minLength: 1, maxLength: 6 }),
    fields: fc.uniqueArray(fc.constantFrom('tu-phap', 'dat-dai', 'y-te'), { minLength: 1, maxLength: 3 }),
    persons: fc.integer({ min: 1, max: 40 }),
    rows: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 4 }), fc.nat(2)), {
      maxLength: 120,
    }),
  })
  .map(({ units, fields, persons, rows }): DossierRecord[] =>
    rows.map(([u, f, p, day, jitter], i) => ({
      // Same dossier ids in different units on purpose (the last tie-break is the unit order).
      dossierId: `HS-${i % 7}`,
      personKey: `p${p % persons}`,
      unitCode: units[u % units.length] as string,
      fieldCode: fields[f % fields.length] as string,
      completedOn: `2026-03-0${day}`,
      importId: `imp-${units[u % units.length]}`,
      row: 2 + Math.floor(i / 3) + jitter,
    })),
  );

const manifestOf = (sampleId: string, official: number, reserve: number): SampleManifest => ({
  sampleId,
  roundId: 'r1',
  seed: 'xs-2026-03-02',
  officialPerStratum: official,
  reservePerStratum: reserve,
  algorithm: 'sha256-rank-v1',
  status: 'pending',
  requestedAt: '2026-02-01T00:00:00.000Z',
  requestedBy: 'admin',
});

const listsOf = (
  assignments: Iterable<{
    unitCode: string;
    fieldCode: string;
    list: string;
    rank: number;
    personKey: string;
  }>,
) => [...assignments].map((a) => `${a.unitCode}|${a.fieldCode}|${a.list}|${a.rank}|${a.personKey}`).sort();

describe('fanned-out draw = one draw of the whole roster', () => {
  it('property: same picks and counts for any parts, delivery order and replays', async () => {
    await fc.assert(
      fc.asyncProperty(
        roster,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        async (dossiers, official, reserve, unitsPerPart, reverse, replay) => {
          const mem = memoryDrawStore();
          const manifest = manifestOf('s1', official, reserve);
          mem.manifests.set('s1', manifest);
          const respondents = memoryRespondents(dossiers);
          await runFannedOutDraw(
            { roundId: 'r1', sampleId: 's1' },
            {
              store: mem.store,
              respondents,
              keys,
              limits: { dossiers: 1_000_000, units: unitsPerPart },
              ...(reverse ? { order: (b) => b.reverse() } : {}),
              replay,
            },
          );
          // The whole roster as the single draw reads it (units in code order).
          const single = await computeDraw(
            'r1',
            { ...manifest, rosterHashMethod: 'by-unit-v1' },
            await respondents.listDossiers(),
          );
          const done = mem.manifests.get('s1');
          expect(done?.status).toBe('completed');
          expect(listsOf(mem.assignments.values())).toEqual(listsOf(single.picks));
          expect(done?.strata).toEqual(single.counts);
          expect(done?.rosterHash).toBe(single.rosterHash);
          expect(done?.dossiers).toBe(dossiers.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a quota policy allocates from the whole round’s populations, not a part’s', async () => {
    const dossiers: DossierRecord[] = Array.from({ length: 90 }, (_, i) => ({
      dossierId: `D${i}`,
      personKey: `p${i}`,
      unitCode: `U${i % 3}`,
      fieldCode: i < 60 ? 'tu-phap' : 'dat-dai',
      completedOn: '2026-03-01',
      importId: `imp-${i % 3}`,
      row: i + 2,
    }));
    const mem = memoryDrawStore();
    const manifest: SampleManifest = {
      ...manifestOf('s2', 0, 0),
      quotaPolicy: { kind: 'proportional', total: 20, minPerStratum: 2, reserveRatio: 0.5 },
    };
    mem.manifests.set('s2', manifest);
    await runFannedOutDraw(
      { roundId: 'r1', sampleId: 's2' },
      {
        store: mem.store,
        respondents: memoryRespondents(dossiers),
        keys,
        limits: { dossiers: 10, units: 1 },
      },
    );
    const single = await computeDraw('r1', { ...manifest, rosterHashMethod: 'by-unit-v1' }, dossiers);
    expect(mem.plans.get('s2')).toHaveLength(3);
    expect(mem.manifests.get('s2')?.strata).toEqual(single.counts);
    expect(listsOf(mem.assignments.values())).toEqual(listsOf(single.picks));
  });
});

describe('fan-out pieces', () => {
  it('plans contiguous parts in unit order, bounded by dossiers and units, never splitting a unit', () => {
    const v = (unitCode: string, dossiers: number) => ({ unitCode, importId: `i-${unitCode}`, dossiers });
    const plan = planParts([v('U3', 5), v('U1', 40), v('U2', 70), v('U4', 1)], { dossiers: 100, units: 2 });
    expect(plan.map((p) => p.map((x) => x.unitCode))).toEqual([['U1'], ['U2', 'U3'], ['U4']]);
    expect(planParts([], { dossiers: 10, units: 10 })).toEqual([[]]);
    // A unit larger than the bound is a part of its own.
    expect(planParts([v('A', 500), v('B', 1)], { dossiers: 100, units: 10 })).toHaveLength(2);
  });

  it('claims survive encoding in bounded chunks, and the best dossier wins across parts', () => {
    const claims: PersonClaim[] = Array.from({ length: 500 }, (_, i) => ({
      personKey: `người-${i}`,
      part: 3,
      stratum: i % 7,
      completedOn: `2026-01-0${1 + (i % 9)}`,
      row: i,
      dossierId: `HS/${i}`,
    }));
    const chunks = encodeClaims(claims, 2000);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(2000);
    expect(chunks.flatMap((c) => decodeClaims(c, 3))).toEqual(claims);
    const base = { personKey: 'x', stratum: 0, dossierId: 'D' };
    const later = { ...base, part: 2, completedOn: '2026-02-01', row: 9 };
    const earlier = { ...base, part: 0, completedOn: '2026-01-01', row: 1 };
    expect(losingClaims([later, earlier])).toEqual([earlier]);
    const tieA = { ...base, part: 1, completedOn: '2026-01-01', row: 1 };
    expect(losingClaims([tieA, earlier])).toEqual([tieA]);
    expect(claimBucket('abc', 7)).toBe(claimBucket('abc', 7));
    expect(claimBucket('abc', 1)).toBe(0);
  });
});
