import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bootstrapSipas,
  quantileSorted,
  rankWithIntervals,
  rescaleFactor,
  ScoringInputError,
  type SipasForm,
  sipasColumnsFromForms,
  wilsonInterval,
  Xoshiro128,
} from '../../../shared/domain/index.ts';
import { miniTemplate } from './support/sipas-forms.ts';

const template = miniTemplate();
const IDS = ['p1_1', 'p2_1', 's1_1', 's1_2', 's2_1'];
const row = (unitCode: string, fieldCode: string, levels: number[]): SipasForm => ({
  unitCode,
  fieldCode,
  answers: Object.fromEntries(IDS.map((id, i) => [id, levels[i]])),
});
const two = (x: number | null) => (x === null ? null : x.toFixed(2));

/** The worked example of docs/margins-of-error.md §4: unit U1, strata F1 (N = 20) and F2 (N = 8). */
const STRATUM_F1 = [
  [5, 4, 5, 4, 4],
  [4, 3, 4, 4, 5],
  [2, 4, 3, 5, 4],
  [3, 2, 2, 3, 3],
  [5, 5, 5, 5, 4],
];
const STRATUM_F2 = [
  [4, 4, 4, 5, 2],
  [1, 2, 1, 2, 3],
  [5, 4, 5, 4, 4],
  [4, 3, 4, 3, 5],
];
const exampleForms = [
  ...STRATUM_F1.map((l) => row('U1', 'F1', l)),
  ...STRATUM_F2.map((l) => row('U1', 'F2', l)),
];

describe('Wilson interval (docs §2)', () => {
  it('32 of 40 satisfied → [65.24, 89.50]; with N = 120 → [68.16, 88.20]', () => {
    const plain = wilsonInterval(32, 40);
    expect(plain.estimate).toBe(80);
    expect([two(plain.lower), two(plain.upper)]).toEqual(['65.24', '89.50']);
    const fpc = wilsonInterval(32, 40, { population: 120 });
    expect([two(fpc.lower), two(fpc.upper)]).toEqual(['68.16', '88.20']);
  });

  it('6 of 9 (item s1_1 of the worked example) → [35.42, 87.94]; N = 28 → [39.84, 85.80]', () => {
    const plain = wilsonInterval(6, 9);
    expect([two(plain.lower), two(plain.upper)]).toEqual(['35.42', '87.94']);
    const fpc = wilsonInterval(6, 9, { population: 28 });
    expect([two(fpc.lower), two(fpc.upper)]).toEqual(['39.84', '85.80']);
  });

  it('is the textbook formula, stays within 0–100, shrinks to the point for a census, and refuses nonsense', () => {
    // centre ± half-width written out for 7 of 10
    const z = 1.959963984540054;
    const p = 0.7;
    const n = 10;
    const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
    const w = wilsonInterval(7, 10);
    expect(w.lower).toBeCloseTo(100 * (centre - half), 12);
    expect(w.upper).toBeCloseTo(100 * (centre + half), 12);
    expect(wilsonInterval(0, 10).lower).toBe(0);
    expect(wilsonInterval(10, 10).upper).toBe(100);
    expect(wilsonInterval(0, 0)).toEqual({ estimate: null, lower: null, upper: null });
    const census = wilsonInterval(30, 40, { population: 40 });
    expect(census.lower).toBeCloseTo(75, 12);
    expect(census.upper).toBeCloseTo(75, 12);
    expect(() => wilsonInterval(5, 4)).toThrow(ScoringInputError);
    expect(() => wilsonInterval(2, 4, { population: 3 })).toThrow(ScoringInputError);
  });
});

describe('generator and helpers', () => {
  it('xoshiro128** matches an independent textbook implementation from the same splitmix32 state', () => {
    // Independent re-implementation (plain multiplications and shifts, as in Vigna's reference code).
    let s = 20221110 >>> 0;
    const sm = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Number((BigInt(z ^ (z >>> 16)) * 0x85ebca6bn) & 0xffffffffn);
      z = Number((BigInt((z ^ (z >>> 13)) >>> 0) * 0xc2b2ae35n) & 0xffffffffn);
      return (z ^ (z >>> 16)) >>> 0;
    };
    let [a, b, c, d] = [sm(), sm(), sm(), sm()].map(BigInt) as [bigint, bigint, bigint, bigint];
    const M = 0xffffffffn;
    const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
    const next = () => {
      const result = (rotl((b * 5n) & M, 7n) * 9n) & M;
      const t = (b << 9n) & M;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11n);
      return Number(result);
    };
    const rng = new Xoshiro128(20221110);
    for (let i = 0; i < 1000; i++) expect(rng.nextUint32()).toBe(next());
    // The draws used in the worked example (docs §4.3).
    const draws = new Xoshiro128(20221110);
    expect([0, 1, 2, 3].map(() => draws.below(5))).toEqual([4, 3, 1, 2]);
    expect([0, 1, 2].map(() => draws.below(4))).toEqual([0, 2, 3]);
  });

  it('rescale factor λ = √(1 − n/N), 1 without roster count, 0 for a singleton; type-7 quantiles', () => {
    expect(rescaleFactor(5, 20)).toBeCloseTo(Math.sqrt(0.75), 15);
    expect(rescaleFactor(4, 8)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(rescaleFactor(4, null)).toBe(1);
    expect(rescaleFactor(4, 4)).toBe(0);
    expect(rescaleFactor(1, 10)).toBe(0);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileSorted([10, 20], 0.025)).toBeCloseTo(10.25, 12);
  });
});

describe('stratified rescaled bootstrap (docs §3–4)', () => {
  const { groups, columns } = sipasColumnsFromForms(template, exampleForms);

  it('worked example: first replicate of S1 recomputed by hand from the weights', () => {
    const r = bootstrapSipas({ template, groups, columns, population: [20, 8] }, { keepReplicates: true });
    const lamA = Math.sqrt(1 - 5 / 20);
    const lamB = Math.sqrt(1 - 4 / 8);
    const w = (lam: number, n: number, times: number) => 1 - lam + lam * (n / (n - 1)) * times;
    // draws: F1 forms 5,4,2,3 (1-based) once each, form 1 not drawn; F2 forms 1,3,4 once, form 2 not.
    const wA = [0, 1, 1, 1, 1].map((t) => w(lamA, 5, t));
    const wB = [1, 0, 1, 1].map((t) => w(lamB, 4, t));
    const share = (item: number) => {
      const sat = (rows: number[][], ws: number[]) =>
        rows.reduce((acc, l, i) => acc + (l[item]! >= 4 ? ws[i]! : 0), 0);
      return (100 * (sat(STRATUM_F1, wA) + sat(STRATUM_F2, wB))) / 9;
    };
    const s1 = (share(2) + share(3)) / 2;
    expect(s1.toFixed(4)).toBe('69.6055');
    expect(r.byUnit[0]!.elements[2]!.values![0]).toBeCloseTo(s1, 10);
  });

  it('worked example: published 95 % intervals (B = 1000, seed 20221110)', () => {
    const r = bootstrapSipas({ template, groups, columns, population: [20, 8] });
    expect(r).toMatchObject({
      method: 'rao-wu-rescaled-bootstrap',
      replicates: 1000,
      seed: 20221110,
      level: 0.95,
    });
    const u = r.byUnit[0]!;
    expect([two(u.elements[2]!.lower), two(u.elements[2]!.upper)]).toEqual(['41.86', '87.65']);
    expect([two(u.overall.lower), two(u.overall.upper)]).toEqual(['42.77', '83.85']);
    expect(u.overall.se!.toFixed(2)).toBe('10.90');
    // Without roster counts (no FPC) the interval is wider.
    const noFpc = bootstrapSipas({ template, groups, columns, population: [null, null] }).byUnit[0]!;
    expect([two(noFpc.overall.lower), two(noFpc.overall.upper)]).toEqual(['37.04', '89.24']);
    // A census of both strata has no sampling error: the interval is the point 63.89.
    const census = bootstrapSipas({ template, groups, columns, population: [5, 4] }).byUnit[0]!;
    expect(two(census.overall.lower)).toBe('63.89');
    expect(two(census.overall.upper)).toBe('63.89');
  });

  it('is reproducible from the seed and changes with it; levels agree when one unit is one field', () => {
    const input = { template, groups, columns, population: [20, 8] };
    const a = bootstrapSipas(input, { replicates: 200, seed: 7 });
    const b = bootstrapSipas(input, { replicates: 200, seed: 7 });
    const c = bootstrapSipas(input, { replicates: 200, seed: 8 });
    expect(a).toEqual(b);
    expect(a.round!.overall.lower).not.toBe(c.round!.overall.lower);
    expect(a.round!.overall).toEqual(a.byUnit[0]!.overall);
    expect(a.byField.map((f) => f.fieldCode)).toEqual(['F1', 'F2']);
    expect(a.byField[0]!.overall).toEqual(a.byUnitField[0]!.overall);
    // One unit at a time (scoring's fan-out): the same unit × field and unit intervals, no pooled ones.
    const one = bootstrapSipas(input, { replicates: 200, seed: 7, acrossUnits: false });
    expect(one.byUnitField).toEqual(a.byUnitField);
    expect(one.byUnit).toEqual(a.byUnit);
    expect(one.byField).toEqual([]);
    expect(one.round).toBeNull();
  });

  it('the bootstrap SE of a share matches the design formula √((1 − f) s² / n) (Monte Carlo, ±6 %)', () => {
    const forms = Array.from({ length: 50 }, (_, i) => row('U', 'F', Array(5).fill(i < 35 ? 5 : 2)));
    const cols = sipasColumnsFromForms(template, forms);
    const r = bootstrapSipas({ template, ...cols, population: [200] }, { replicates: 4000, seed: 1 });
    const p = 0.7;
    const s2 = (p * (1 - p) * 50) / 49;
    const expected = 100 * Math.sqrt(((1 - 50 / 200) * s2) / 50);
    expect(expected.toFixed(3)).toBe('5.669');
    const got = r.byUnit[0]!.elements[0]!.se!;
    expect(Math.abs(got / expected - 1)).toBeLessThan(0.06);
  });

  it('reports singleton strata, leaves undefined indexes out, and refuses bad options', () => {
    const forms = [
      row('U1', 'F1', [5, 5, 5, 5, 5]),
      row('U1', 'F2', [4, 2, 5, 1, 3]),
      row('U1', 'F2', [2, 2, 2, 2, 2]),
    ];
    const cols = sipasColumnsFromForms(template, forms);
    const r = bootstrapSipas({ template, ...cols, population: [3, 10] }, { replicates: 50 });
    expect(r.singletonStrata).toEqual([0]);
    expect(r.byUnitField[0]!.overall.se).toBe(0);
    const blank = sipasColumnsFromForms(template, [
      row('U1', 'F1', [5, 5, 5, 0, 0]),
      row('U1', 'F1', [4, 4, 4, 0, 0]),
    ]);
    const none = bootstrapSipas({ template, ...blank, population: [null] }, { replicates: 20 });
    expect(none.round!.elements[3]).toEqual({ lower: null, upper: null, se: null, replicates: 0 });
    expect(() => bootstrapSipas({ template, groups, columns, population: [1] })).toThrow(ScoringInputError);
    expect(() =>
      bootstrapSipas({ template, groups, columns, population: [20, 8] }, { replicates: 1 }),
    ).toThrow(ScoringInputError);
    expect(() => bootstrapSipas({ template, groups, columns, population: [20, 8] }, { level: 1 })).toThrow(
      ScoringInputError,
    );
  });
});

describe('rankings with intervals: overlapping units are statistically tied', () => {
  const entries = [
    { unitCode: 'D', index: '60', lower: 50, upper: 65 },
    { unitCode: 'B', index: '78', lower: 74, upper: 82 },
    { unitCode: 'A', index: '80', lower: 75, upper: 85 },
    { unitCode: 'E', index: null, lower: null, upper: null },
    { unitCode: 'C', index: '70', lower: 66, upper: 73 },
  ];

  it('keeps the point ranking and adds tied-with lists, rank ranges and tie groups', () => {
    const r = rankWithIntervals(entries);
    const view = r.map((u) => [u.unitCode, u.rank, u.tiedWith, u.rankRange, u.tieGroup]);
    expect(view).toEqual([
      ['A', 1, ['B'], { best: 1, worst: 2 }, 1],
      ['B', 2, ['A'], { best: 1, worst: 2 }, 1],
      ['C', 3, [], { best: 3, worst: 3 }, 2],
      ['D', 4, [], { best: 4, worst: 4 }, 3],
      ['E', null, [], null, null],
    ]);
  });

  it('chains overlaps into one group; rank changes against last year stay those of rankUnits', () => {
    const chained = [
      { unitCode: 'X', index: 90, lower: 86, upper: 94 },
      { unitCode: 'Y', index: 85, lower: 80, upper: 87 },
      { unitCode: 'Z', index: 79, lower: 76, upper: 82 },
    ];
    const r = rankWithIntervals(chained, {}, [{ unitCode: 'Z', index: 70, rank: 1 }]);
    expect(r.map((u) => u.tieGroup)).toEqual([1, 1, 1]);
    expect(r[0]!.tiedWith).toEqual(['Y']);
    expect(r[2]!.tiedWith).toEqual(['Y']);
    expect(r[2]!.rankChange).toBe(-2);
    expect(r[2]!.indexChange!.toString()).toBe('9');
    expect(() => rankWithIntervals([{ unitCode: 'Q', index: 1, lower: 5, upper: 2 }])).toThrow(
      ScoringInputError,
    );
  });
});

describe('docs/margins-of-error.md prints what the code computes', () => {
  const doc = readFileSync(new URL('../../../docs/margins-of-error.md', import.meta.url), 'utf8');
  const pair = (x: { lower: number | null; upper: number | null }) =>
    `**[${two(x.lower)}, ${two(x.upper)}]**`;

  it('every interval of the worked example appears in the document, bold, to 2 dp', () => {
    const { groups, columns } = sipasColumnsFromForms(template, exampleForms);
    const u = bootstrapSipas({ template, groups, columns, population: [20, 8] }).byUnit[0]!;
    const noFpc = bootstrapSipas({ template, groups, columns, population: [null, null] }).byUnit[0]!;
    const census = bootstrapSipas({ template, groups, columns, population: [5, 4] }).byUnit[0]!;
    const printed = [
      `CI = ${pair(wilsonInterval(32, 40))}`,
      `CI = ${pair(wilsonInterval(32, 40, { population: 120 }))}`,
      `Plain: ${pair(wilsonInterval(6, 9))}`,
      `N = 20 + 8 = 28: ${pair(wilsonInterval(6, 9, { population: 28 }))}`,
      `| S1 | 66.67 | ${pair(u.elements[2]!)}`,
      `| overall | 63.89 | ${pair(u.overall)} | **${u.overall.se!.toFixed(2)}** |`,
      `| 63.89 | ${pair(noFpc.overall)}`,
      `| 63.89 | ${pair(census.overall)}`,
    ];
    for (const text of printed) expect(doc).toContain(text);
  });
});
