import { describe, expect, it } from 'vitest';
import {
  allocateQuotas,
  SamplingInputError,
  sampleSize,
  sampleSizeExact,
} from '../../../shared/domain/index.ts';

describe('sample size n = N / (1 + N·e²), e = 5 %, rounded up (methodology.md §5)', () => {
  it('1,200 → 1200/(1 + 3) = 300; 500 → 500/2.25 = 222.22 → 223; 30,000 → 30000/76 = 394.74 → 395', () => {
    expect(sampleSizeExact(1200).toString()).toBe('300');
    expect(sampleSize(1200)).toBe(300);
    expect(sampleSizeExact(500).toFixed(2)).toBe('222.22');
    expect(sampleSize(500)).toBe(223);
    expect(sampleSizeExact(30000).toFixed(2)).toBe('394.74');
    expect(sampleSize(30000)).toBe(395);
  });

  it('own examples: N = 100 → 100/1.25 = 80; e = 10 %, N = 1,000 → 1000/11 = 90.9 → 91 (or 91 half-up); N = 0 → 0', () => {
    expect(sampleSize(100)).toBe(80);
    expect(sampleSize(1000, 0.1)).toBe(91);
    // half-up instead of up: 500 → 222.22 → 222
    expect(sampleSize(500, 0.05, 'half-up')).toBe(222);
    expect(sampleSize(0)).toBe(0);
  });

  it('refuses impossible inputs', () => {
    expect(() => sampleSize(-1)).toThrow(SamplingInputError);
    expect(() => sampleSize(10.5)).toThrow('quy mô tổng thể N = 10.5 phải là số nguyên không âm');
    expect(() => sampleSize(100, 0)).toThrow('sai số e = 0 phải nằm trong khoảng (0; 1)');
    expect(() => sampleSize(100, 1)).toThrow(SamplingInputError);
  });
});

describe('quota allocation per stratum', () => {
  it('fixed 30 per field (Long Biên 2020: 8 fields = 240 forms), with a shortfall in a small stratum', () => {
    const strata = [
      { key: 'LB#TN_MT', population: 410 },
      { key: 'LB#KH_DT#HKD', population: 95 },
      { key: 'TT#TU_PHAP', population: 12 },
      { key: 'TT#LD_TBXH', population: 40 },
      { key: 'VH#TU_PHAP', population: 60 },
      { key: 'VH#LD_TBXH', population: 33 },
      { key: 'PL#TU_PHAP', population: 58 },
      { key: 'PL#LD_TBXH', population: 30 },
    ];
    const r = allocateQuotas(strata, { method: 'fixed', perStratum: 30 });
    expect(r.totalTarget).toBe(240);
    expect(r.totalShortfall).toBe(18);
    expect(r.totalAllocated).toBe(222);
    expect(r.allocations.find((a) => a.key === 'TT#TU_PHAP')).toEqual({
      key: 'TT#TU_PHAP',
      population: 12,
      target: 30,
      allocated: 12,
      shortfall: 18,
    });
    expect(r.allocations.map((a) => a.key)[0]).toBe('LB#KH_DT#HKD'); // listed by key
  });

  it('proportional with a minimum: 100 forms, minimum 10, populations 500/300/200 → 10 + 70·(0.5, 0.3, 0.2) = 45/31/24', () => {
    const r = allocateQuotas(
      [
        { key: 'a', population: 500 },
        { key: 'b', population: 300 },
        { key: 'c', population: 200 },
      ],
      { method: 'proportional', total: 100, minimum: 10 },
    );
    expect(r.allocations.map((a) => a.target)).toEqual([45, 31, 24]);
    expect(r.totalShortfall).toBe(0);
  });

  it('largest remainders, ties → larger population, then smaller key: 10 among 1/1/1 → 4/3/3; 7 among 5/2 → 5/2', () => {
    const equal = allocateQuotas(
      [
        { key: 'c', population: 1 },
        { key: 'a', population: 1 },
        { key: 'b', population: 1 },
      ],
      { method: 'proportional', total: 10 },
    );
    // 10/3 = 3.33 each: floors 3+3+3 = 9, the last form goes to "a"; every stratum has 1 person → shortfalls
    expect(equal.allocations.map((a) => [a.key, a.target, a.allocated, a.shortfall])).toEqual([
      ['a', 4, 1, 3],
      ['b', 3, 1, 2],
      ['c', 3, 1, 2],
    ]);
    // 3 among 5 and 4: 3·5/9 = 1.667, 3·4/9 = 1.333 → floors 1 + 1, remainder .667 wins → 2/1
    const r = allocateQuotas(
      [
        { key: 'x', population: 5 },
        { key: 'y', population: 4 },
      ],
      { method: 'proportional', total: 3 },
    );
    expect(r.allocations.map((a) => a.target)).toEqual([2, 1]);
    // equal remainders, different populations can't tie exactly unless equal shares; zero population → minimum only
    expect(
      allocateQuotas([{ key: 'z', population: 0 }], { method: 'proportional', total: 5 }).allocations[0],
    ).toMatchObject({ target: 0 });
  });

  it('formula per stratum with a minimum', () => {
    const r = allocateQuotas(
      [
        { key: 'big', population: 1200 },
        { key: 'mid', population: 500 },
        { key: 'small', population: 20 },
      ],
      { method: 'formula', minimum: 250 },
    );
    // 300; max(250, 223) = 250; max(250, 20/1.05 = 19.05 → 20) = 250 but only 20 people → shortfall 230
    expect(r.allocations.map((a) => [a.key, a.target, a.allocated, a.shortfall])).toEqual([
      ['big', 300, 300, 0],
      ['mid', 250, 250, 0],
      ['small', 250, 20, 230],
    ]);
    expect(
      allocateQuotas([{ key: 'a', population: 500 }], { method: 'formula' }).allocations[0]!.target,
    ).toBe(223);
  });

  it('refuses duplicate strata, bad populations and infeasible minimums', () => {
    expect(() =>
      allocateQuotas(
        [
          { key: 'a', population: 1 },
          { key: 'a', population: 2 },
        ],
        { method: 'fixed', perStratum: 1 },
      ),
    ).toThrow('tầng "a" bị trùng');
    expect(() => allocateQuotas([{ key: 'a', population: -1 }], { method: 'fixed', perStratum: 1 })).toThrow(
      'tầng "a": quy mô -1',
    );
    expect(() => allocateQuotas([{ key: 'a', population: 1 }], { method: 'fixed', perStratum: 1.5 })).toThrow(
      'số phiếu mỗi tầng = 1.5',
    );
    expect(() => allocateQuotas([{ key: 'a', population: 1 }], { method: 'formula', minimum: -2 })).toThrow(
      SamplingInputError,
    );
    expect(() =>
      allocateQuotas(
        [
          { key: 'a', population: 1 },
          { key: 'b', population: 1 },
        ],
        { method: 'proportional', total: 15, minimum: 10 },
      ),
    ).toThrow('tổng số phiếu 15 không đủ cho mức tối thiểu 10 × 2 tầng = 20');
  });
});
