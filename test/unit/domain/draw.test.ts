import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignPersonsToStrata,
  drawSample,
  type EligibleDossier,
  rankKey,
  rosterHash,
  strataOf,
} from '../../../shared/domain/draw.ts';
import { stratumKey } from '../../../shared/domain/strata.ts';

const dossier = (
  i: number,
  unitCode = 'U1',
  fieldCode = 'F1',
  personKey = `p${i}`,
  completedOn = '2026-01-01',
): EligibleDossier => ({
  dossierId: `D${i}`,
  personKey,
  unitCode,
  fieldCode,
  completedOn,
  row: i + 1,
});

const request = { seed: 's', roundId: 'r', officialPerStratum: 3, reservePerStratum: 2 };
const strata = [{ unitCode: 'U1', fieldCode: 'F1' }];

describe('hash-rank draw', () => {
  it('takes the lowest-ranked n as official and the next m as reserve, in rank order', () => {
    const people = Array.from({ length: 8 }, (_, i) => dossier(i));
    const { picks, counts } = drawSample(people, request, strata);
    const expected = people
      .map((d) => ({ key: d.personKey, rank: rankKey('s', 'r', 'U1#F1', d.personKey) }))
      .sort((a, b) => a.rank.localeCompare(b.rank))
      .map((x) => x.key);
    expect(picks.map((p) => [p.list, p.rank, p.personKey])).toEqual([
      ['official', 1, expected[0]],
      ['official', 2, expected[1]],
      ['official', 3, expected[2]],
      ['reserve', 1, expected[3]],
      ['reserve', 2, expected[4]],
    ]);
    expect(counts).toEqual([
      { unitCode: 'U1', fieldCode: 'F1', persons: 8, official: 3, reserve: 2, shortfall: 0 },
    ]);
  });

  it('reports a shortfall when the stratum is too small', () => {
    const { counts } = drawSample([dossier(1), dossier(2)], request, strata);
    expect(counts[0]).toMatchObject({ persons: 2, official: 2, reserve: 0, shortfall: 1 });
  });

  it('samples persons, not dossiers: a person with several dossiers counts once, in the stratum of the latest one', () => {
    const many = [
      dossier(1, 'U1', 'F1', 'anna', '2026-01-01'),
      dossier(2, 'U1', 'F2', 'anna', '2026-03-01'),
      dossier(3, 'U1', 'F1', 'anna', '2026-02-01'),
      dossier(4, 'U1', 'F1', 'binh', '2026-02-01'),
    ];
    const chosen = assignPersonsToStrata(many);
    expect(chosen.get('anna')?.fieldCode).toBe('F2');
    const { counts } = drawSample(many, { ...request, officialPerStratum: 5 }, [
      { unitCode: 'U1', fieldCode: 'F1' },
      { unitCode: 'U1', fieldCode: 'F2' },
    ]);
    expect(counts.map((c) => c.persons)).toEqual([1, 1]);
  });

  it('breaks completion-date ties by the earliest row', () => {
    const tie = [dossier(5, 'U1', 'F2', 'x', '2026-01-01'), dossier(2, 'U1', 'F1', 'x', '2026-01-01')];
    expect(assignPersonsToStrata(tie).get('x')?.fieldCode).toBe('F1');
  });

  it('property: independent of row order; nobody twice; quotas respected; another seed gives another list', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 0, maxLength: 60 }),
        fc.nat(10),
        fc.nat(10),
        fc.integer(),
        (keys, k, r, shuffleSeed) => {
          const people = keys.map((key, i) => dossier(i, 'U1', 'F1', key));
          const shuffled = [...people].sort(
            (a, b) => ((a.row * 7919 + shuffleSeed) % 97) - ((b.row * 7919 + shuffleSeed) % 97),
          );
          const req = { ...request, officialPerStratum: k + 1, reservePerStratum: r };
          const a = drawSample(people, req, strata);
          const b = drawSample(shuffled, req, strata);
          expect(b.picks).toEqual(a.picks);
          const picked = a.picks.map((p) => p.personKey);
          expect(new Set(picked).size).toBe(picked.length);
          expect(a.picks.filter((p) => p.list === 'official')).toHaveLength(Math.min(k + 1, keys.length));
          expect(a.picks.filter((p) => p.list === 'reserve')).toHaveLength(
            Math.min(r, Math.max(keys.length - k - 1, 0)),
          );
        },
      ),
    );
  });

  it('another seed draws another official list (with overwhelming probability for 100 people)', () => {
    const people = Array.from({ length: 100 }, (_, i) => dossier(i));
    const a = drawSample(people, { ...request, officialPerStratum: 10 }, strata).picks.map(
      (p) => p.personKey,
    );
    const b = drawSample(people, { ...request, seed: 't', officialPerStratum: 10 }, strata).picks.map(
      (p) => p.personKey,
    );
    expect(a).not.toEqual(b);
  });

  it('is not file order: over many seeds each person is picked about equally often', () => {
    const people = Array.from({ length: 10 }, (_, i) => dossier(i));
    const hits = new Map<string, number>();
    for (let s = 0; s < 2000; s++) {
      for (const p of drawSample(
        people,
        { ...request, seed: `seed-${s}`, officialPerStratum: 1, reservePerStratum: 0 },
        strata,
      ).picks) {
        hits.set(p.personKey, (hits.get(p.personKey) ?? 0) + 1);
      }
    }
    // Expected 200 each; a fair draw stays well within ±60 (≈ 4.5 σ).
    for (const d of people) expect(Math.abs((hits.get(d.personKey) ?? 0) - 200)).toBeLessThan(60);
  });

  it('roster hash ignores row order and changes with content', () => {
    const people = [dossier(1), dossier(2)];
    expect(rosterHash([...people].reverse())).toBe(rosterHash(people));
    expect(rosterHash([dossier(1)])).not.toBe(rosterHash(people));
  });
});

describe('strata', () => {
  it('keys a stratum by unit and field, or unit, field and procedure', () => {
    expect(stratumKey({ unitCode: 'U1', fieldCode: 'tu-phap' })).toBe('U1#tu-phap');
    expect(stratumKey({ unitCode: 'U1', fieldCode: 'tu-phap', procedureCode: 'P7' })).toBe('U1#tu-phap#P7');
  });

  it('lists the distinct strata of a frame in key order', () => {
    const frame = [
      dossier(1, 'U2', 'F1'),
      dossier(2, 'U1', 'F2'),
      dossier(3, 'U1', 'F1'),
      dossier(4, 'U2', 'F1'),
    ];
    expect(strataOf(frame)).toEqual([
      { unitCode: 'U1', fieldCode: 'F1' },
      { unitCode: 'U1', fieldCode: 'F2' },
      { unitCode: 'U2', fieldCode: 'F1' },
    ]);
  });
});
