import { describe, expect, it } from 'vitest';
import {
  addMoments,
  bootstrapSipas,
  linearisedIntervals,
  momentsFromBytes,
  momentsToBytes,
  packedLength,
  ScoringInputError,
  type SipasForm,
  sipasColumnsFromForms,
  stratumMoments,
  Xoshiro128,
} from '../../../shared/domain/index.ts';
import { miniTemplate } from './support/sipas-forms.ts';

const template = miniTemplate();
const IDS = ['p1_1', 'p2_1', 's1_1', 's1_2', 's2_1'];
const I = IDS.length;
const D = 2 * I;
const cell = (m: Float64Array, r: number, c: number) => {
  const [a, b] = r <= c ? [r, c] : [c, r];
  return m[a * D - (a * (a - 1)) / 2 + (b - a)]!;
};
const columns = (rows: number[][]) => IDS.map((_, i) => Uint8Array.from(rows, (r) => r[i]!));
const all = (n: number) => Array.from({ length: n }, (_, k) => k);

describe('stratum moments', () => {
  const rows = [
    [5, 4, 0, 2, 3],
    [2, 4, 5, 0, 3],
    [4, 1, 4, 4, 3],
  ];

  it('is (1 − f) n/(n − 1) times the centred cross-products of (answered, satisfied)', () => {
    const m = stratumMoments({ template, answers: columns(rows), forms: all(3), population: null });
    expect(m).toHaveLength(packedLength(D));
    // p1_1 answered by all: no variance; satisfied 1, 0, 1 → Σ(x − x̄)² = 2/3, × 3/2 = 1.
    expect(cell(m, 0, 0)).toBeCloseTo(0, 12);
    expect(cell(m, I, I)).toBeCloseTo(1, 12);
    // s1_1 answered 0, 1, 1 and satisfied 0, 1, 1: variance 1 each, covariance 1.
    expect(cell(m, 2, 2)).toBeCloseTo(1, 12);
    expect(cell(m, 2, I + 2)).toBeCloseTo(1, 12);
    // satisfied p1_1 (1, 0, 1) with satisfied p2_1 (1, 1, 0): Σ = 1 − 3·(2/3)(2/3) = −1/3, × 3/2.
    expect(cell(m, I, I + 1)).toBeCloseTo(-0.5, 12);
    // FPC: N = 6 halves everything; a census (N = n) zeroes it.
    const half = stratumMoments({ template, answers: columns(rows), forms: all(3), population: 6 });
    expect(cell(half, I, I)).toBeCloseTo(0.5, 12);
    const census = stratumMoments({ template, answers: columns(rows), forms: all(3), population: 3 });
    expect(census.every((v) => Math.abs(v) < 1e-12)).toBe(true);
  });

  it('adds nothing for a stratum with one form and uses levels under mean-normalised', () => {
    const one = stratumMoments({ template, answers: columns(rows), forms: [1], population: null });
    expect(one.every((v) => v === 0)).toBe(true);
    const levels = stratumMoments({
      template,
      rules: { indexMethod: 'mean-normalised' },
      answers: columns(rows),
      forms: all(3),
      population: null,
    });
    // p1_1 levels 5, 2, 4: mean 11/3, Σ(x − x̄)² = 14/3, × 3/2 = 7.
    expect(cell(levels, I, I)).toBeCloseTo(7, 12);
  });

  it('adds up, travels as bytes, and refuses mismatched shapes', () => {
    const a = stratumMoments({ template, answers: columns(rows), forms: all(3), population: null });
    const sum = addMoments(new Float64Array(a.length), a);
    addMoments(sum, a);
    expect(cell(sum, I, I)).toBeCloseTo(2, 12);
    expect(Array.from(momentsFromBytes(momentsToBytes(sum)))).toEqual(Array.from(sum));
    expect(() => addMoments(new Float64Array(3), a)).toThrow(ScoringInputError);
    expect(() =>
      stratumMoments({ template, answers: columns(rows).slice(1), forms: [0], population: null }),
    ).toThrow(ScoringInputError);
  });
});

describe('linearised intervals', () => {
  /** Two strata of a field; the element P1 has one item, so θ = 100 S/A and Var has a closed form. */
  const strataRows = [
    [
      [5, 4, 4, 2, 3],
      [2, 4, 5, 3, 3],
      [4, 1, 4, 4, 3],
      [1, 5, 2, 5, 4],
    ],
    [
      [4, 4, 4, 4, 4],
      [5, 2, 1, 3, 5],
      [3, 3, 5, 5, 2],
    ],
  ];
  const populations = [10, null];

  const pooled = () => {
    const moments = new Float64Array(packedLength(D));
    const answered = new Float64Array(I);
    const value = new Float64Array(I);
    strataRows.forEach((rows, h) => {
      addMoments(
        moments,
        stratumMoments({
          template,
          answers: columns(rows),
          forms: all(rows.length),
          population: populations[h]!,
        }),
      );
      for (const r of rows) {
        r.forEach((l, i) => {
          if (l === 0) return;
          answered[i]! += 1;
          if (l >= 4) value[i]! += 1;
        });
      }
    });
    return { moments, answered, value };
  };

  it('matches the closed form of a ratio for a one-item element, with the FPC per stratum', () => {
    const { moments, answered, value } = pooled();
    const out = linearisedIntervals(template, undefined, { answered, value }, moments);
    const A = answered[0]!;
    const R = value[0]! / A;
    let variance = 0;
    strataRows.forEach((rows, h) => {
      const u = rows.map((r) => (100 * ((r[0]! >= 4 ? 1 : 0) - R)) / A);
      const n = u.length;
      const mean = u.reduce((a, b) => a + b, 0) / n;
      const N = populations[h];
      const f = N === null || N === undefined ? 0 : n / N;
      variance += (((1 - f) * n) / (n - 1)) * u.reduce((a, x) => a + (x - mean) ** 2, 0);
    });
    const p1 = out.elements[0]!;
    expect(out.method).toBe('taylor-linearisation');
    expect(p1.estimate).toBeCloseTo(100 * R, 10);
    expect(p1.se).toBeCloseTo(Math.sqrt(variance), 6);
    expect(p1.lower).toBeCloseTo(Math.max(0, 100 * R - 1.959963984540054 * Math.sqrt(variance)), 6);
    expect(p1.upper).toBeCloseTo(Math.min(100, 100 * R + 1.959963984540054 * Math.sqrt(variance)), 6);
    expect(out.aspects).toHaveLength(2);
    expect(out.overall.lower).toBeLessThanOrEqual(out.overall.estimate!);
    expect(out.overall.upper).toBeGreaterThanOrEqual(out.overall.estimate!);
  });

  it('is null where nothing was answered and refuses wrong sizes', () => {
    const { moments, answered, value } = pooled();
    answered[0] = 0;
    value[0] = 0;
    const out = linearisedIntervals(template, undefined, { answered, value }, moments);
    expect(out.elements[0]).toEqual({ estimate: null, lower: null, upper: null, se: null });
    expect(() => linearisedIntervals(template, undefined, { answered: [1], value: [1] }, moments)).toThrow(
      ScoringInputError,
    );
    expect(() => linearisedIntervals(template, undefined, { answered, value }, new Float64Array(2))).toThrow(
      ScoringInputError,
    );
  });

  it('agrees with the stratified bootstrap on a large field (standard errors within 10 %)', () => {
    const rng = new Xoshiro128(7);
    const forms: SipasForm[] = [];
    for (let h = 0; h < 6; h++) {
      const p = 0.4 + 0.08 * h;
      for (let k = 0; k < 120; k++) {
        forms.push({
          unitCode: `U${h}`,
          fieldCode: 'F1',
          answers: Object.fromEntries(
            IDS.flatMap((id) => {
              const r = rng.next();
              return r < 0.05 ? [] : [[id, r < p ? 4 + rng.below(2) : 1 + rng.below(3)]];
            }),
          ),
        });
      }
    }
    const { groups, columns: cols } = sipasColumnsFromForms(template, forms);
    const population = groups.map(() => 400);
    const boot = bootstrapSipas(
      { template, groups, columns: cols, population },
      { replicates: 400, seed: 11 },
    );
    const moments = new Float64Array(packedLength(D));
    const answered = new Float64Array(I);
    const value = new Float64Array(I);
    groups.forEach((_, g) => {
      const members = all(cols.group.length).filter((f) => cols.group[f] === g && cols.valid[f] === 1);
      addMoments(
        moments,
        stratumMoments({ template, answers: cols.answers, forms: members, population: 400 }),
      );
      for (const f of members) {
        cols.answers.forEach((col, i) => {
          if (col[f] === 0) return;
          answered[i]! += 1;
          if (col[f]! >= 4) value[i]! += 1;
        });
      }
    });
    const lin = linearisedIntervals(template, undefined, { answered, value }, moments);
    const ratio = lin.overall.se! / boot.byField[0]!.overall.se!;
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
    for (const rules of [
      { aggregation: 'pooled' as const },
      { aggregation: 'mean-of-elements' as const },
      { indexMethod: 'mean-normalised' as const },
    ]) {
      const v = linearisedIntervals(
        template,
        rules,
        { answered, value: rules.indexMethod ? answered.map((a) => a * 3) : value },
        moments,
      );
      expect(v.overall.se, JSON.stringify(rules)).toBeGreaterThanOrEqual(0);
    }
  });
});
