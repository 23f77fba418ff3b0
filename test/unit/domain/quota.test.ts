import { describe, expect, it } from 'vitest';
import {
  allocateRoundQuotas,
  drawQuotaOf,
  drawStrataSync,
  quotaPolicySchema,
  SamplingInputError,
} from '../../../shared/domain/index.ts';

const entries = (m: Map<string, unknown>) => Object.fromEntries(m);

describe('round quota policy', () => {
  it('formula: n = N/(1+N·e²) rounded up — 1,200 → 300, 500 → 223 — with a minimum, reserve ⌈n × ratio⌉', () => {
    const quotas = allocateRoundQuotas(
      { kind: 'formula', marginOfError: 0.05, minPerStratum: 30, reserveRatio: 0.1 },
      [
        { key: 'U1#F1', persons: 1200 },
        { key: 'U1#F2', persons: 500 },
        // 30/(1 + 0.075) = 27.9 → 28, raised to the minimum 30
        { key: 'U2#F1', persons: 30 },
        // 20/1.05 = 19.05 → 20, raised to 30: everyone, 10 short, no reserve left
        { key: 'U2#F2', persons: 20 },
      ],
    );
    expect(entries(quotas)).toEqual({
      'U1#F1': { target: 300, reserveTarget: 30, official: 300, reserve: 30, shortfall: 0 },
      'U1#F2': { target: 223, reserveTarget: 23, official: 223, reserve: 23, shortfall: 0 },
      'U2#F1': { target: 30, reserveTarget: 3, official: 30, reserve: 0, shortfall: 0 },
      'U2#F2': { target: 30, reserveTarget: 3, official: 20, reserve: 0, shortfall: 10 },
    });
  });

  it('formula without a minimum: 30 persons at e = 5 % → 28 official, the 2 left can be reserve', () => {
    const q = allocateRoundQuotas({ kind: 'formula', marginOfError: 0.05, reserveRatio: 1 }, [
      { key: 'A', persons: 30 },
    ]);
    expect(q.get('A')).toEqual({ target: 28, reserveTarget: 28, official: 28, reserve: 2, shortfall: 0 });
  });

  it('fixed 30 + 30: a stratum of 45 gets 30 + 15; one of 12 takes everyone and is 18 short', () => {
    const q = allocateRoundQuotas({ kind: 'fixed', official: 30, reserve: 30 }, [
      { key: 'B', persons: 12 },
      { key: 'A', persons: 45 },
      { key: 'C', persons: 0 },
    ]);
    expect([...q.keys()]).toEqual(['A', 'B', 'C']);
    expect(entries(q)).toEqual({
      A: { target: 30, reserveTarget: 30, official: 30, reserve: 15, shortfall: 0 },
      B: { target: 30, reserveTarget: 30, official: 12, reserve: 0, shortfall: 18 },
      C: { target: 30, reserveTarget: 30, official: 0, reserve: 0, shortfall: 30 },
    });
  });

  it('proportional: 100 forms, at least 10 each, over 600/300/100 persons → 10 + 42, 10 + 21, 10 + 7; reserve ⌈× 0.5⌉', () => {
    const q = allocateRoundQuotas(
      { kind: 'proportional', total: 100, minPerStratum: 10, reserveRatio: 0.5 },
      [
        { key: 'A', persons: 600 },
        { key: 'B', persons: 300 },
        { key: 'C', persons: 100 },
      ],
    );
    expect(entries(q)).toEqual({
      A: { target: 52, reserveTarget: 26, official: 52, reserve: 26, shortfall: 0 },
      B: { target: 31, reserveTarget: 16, official: 31, reserve: 16, shortfall: 0 },
      C: { target: 17, reserveTarget: 9, official: 17, reserve: 9, shortfall: 0 },
    });
  });

  it('proportional with a minimum larger than a stratum: it takes everyone and reports the shortfall', () => {
    const q = allocateRoundQuotas({ kind: 'proportional', total: 40, minPerStratum: 15, reserveRatio: 0 }, [
      { key: 'A', persons: 1000 },
      { key: 'B', persons: 6 },
    ]);
    // 30 reserved for minimums; the other 10 split 1000:6 → 9.94 / 0.06 → floors 9 + 0, remainder to A
    expect(entries(q)).toEqual({
      A: { target: 25, reserveTarget: 0, official: 25, reserve: 0, shortfall: 0 },
      B: { target: 15, reserveTarget: 0, official: 6, reserve: 0, shortfall: 9 },
    });
  });

  it('the schema is exactly the three kinds and refuses anything else, in Vietnamese', () => {
    expect(quotaPolicySchema.safeParse({ kind: 'fixed', official: 30, reserve: 30 }).success).toBe(true);
    expect(quotaPolicySchema.safeParse({ kind: 'fixed', official: 30 }).success).toBe(false);
    expect(quotaPolicySchema.safeParse({ kind: 'fixed', official: 30, reserve: 30, extra: 1 }).success).toBe(
      false,
    );
    expect(quotaPolicySchema.safeParse({ kind: 'formula', marginOfError: 0, reserveRatio: 1 }).success).toBe(
      false,
    );
    expect(quotaPolicySchema.safeParse({ kind: 'random', total: 5 }).success).toBe(false);
    expect(() =>
      allocateRoundQuotas({ kind: 'fixed', official: -1, reserve: 0 } as never, [{ key: 'A', persons: 1 }]),
    ).toThrow(SamplingInputError);
    expect(() =>
      allocateRoundQuotas({ kind: 'proportional', total: 10, minPerStratum: 6, reserveRatio: 0 }, [
        { key: 'A', persons: 1 },
        { key: 'B', persons: 1 },
      ]),
    ).toThrow('không đủ cho mức tối thiểu 6 × 2 tầng = 12');
  });

  it('drawQuotaOf feeds the draw the targets: the draw fills what it can and reports the same shortfall', () => {
    const strata = [
      { unitCode: 'U1', fieldCode: 'F1', personKeys: Array.from({ length: 50 }, (_, i) => `a${i}`) },
      { unitCode: 'U2', fieldCode: 'F1', personKeys: ['b1', 'b2', 'b3'] },
    ];
    const quotas = allocateRoundQuotas(
      { kind: 'formula', marginOfError: 0.1, minPerStratum: 5, reserveRatio: 1 },
      strata.map((s) => ({ key: `${s.unitCode}#${s.fieldCode}`, persons: s.personKeys.length })),
    );
    const { counts } = drawStrataSync({ seed: 's', roundId: 'R', strata, quotaOf: drawQuotaOf(quotas) });
    // U1: 50/(1 + 0.5) = 33.3 → 34 official, 16 reserve; U2: max(5, ⌈3/1.03⌉ = 3) = 5 → 3, 2 short
    expect(counts.map((c) => [c.persons, c.official, c.reserve, c.shortfall])).toEqual([
      [50, 34, 16, 0],
      [3, 3, 0, 2],
    ]);
    for (const c of counts) {
      const q = quotas.get(`${c.unitCode}#${c.fieldCode}`);
      expect([q?.official, q?.reserve, q?.shortfall]).toEqual([c.official, c.reserve, c.shortfall]);
    }
    expect(() =>
      drawStrataSync({
        seed: 's',
        roundId: 'R',
        strata: [{ unitCode: 'X', fieldCode: 'Y', personKeys: [] }],
        quotaOf: drawQuotaOf(quotas),
      }),
    ).toThrow('tầng X#Y không có trong phân bổ số phiếu');
  });
});
