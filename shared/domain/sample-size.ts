/**
 * Sample size and quota allocation (methodology.md §5).
 *
 * n = N / (1 + N·e²) (Yamane/Slovin form) with N = transactions of the service in the period and
 * e = 5 % by default [source: 123docz-sampling]; rounded UP (assumed, §5) so the margin is never exceeded.
 * Whether QĐ 1001 still uses it is open (§9.3): `e` and the rounding are settings.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { Dec } from './decimal.ts';
import { SamplingInputError } from './errors.ts';

export const samplingRulesSchema = z.object({
  marginOfError: z.number().gt(0).lt(1),
  rounding: z.enum(['up', 'half-up']),
});
export type SamplingRules = z.infer<typeof samplingRulesSchema>;

export const DEFAULT_SAMPLING_RULES: SamplingRules = { marginOfError: 0.05, rounding: 'up' };

/** Exact n = N / (1 + N·e²), unrounded. */
export function sampleSizeExact(
  population: number,
  marginOfError = DEFAULT_SAMPLING_RULES.marginOfError,
): Dec {
  if (!Number.isInteger(population) || population < 0) {
    throw new SamplingInputError(`quy mô tổng thể N = ${population} phải là số nguyên không âm`);
  }
  if (!(marginOfError > 0 && marginOfError < 1)) {
    throw new SamplingInputError(`sai số e = ${marginOfError} phải nằm trong khoảng (0; 1)`);
  }
  const n = new Dec(population);
  const e = new Dec(marginOfError);
  return n.dividedBy(n.times(e.pow(2)).plus(1));
}

/** n rounded per the rules (up by default): 1,200 → 300; 500 → 222.22 → 223; 30,000 → 394.74 → 395. */
export function sampleSize(
  population: number,
  marginOfError = DEFAULT_SAMPLING_RULES.marginOfError,
  rounding: SamplingRules['rounding'] = DEFAULT_SAMPLING_RULES.rounding,
): number {
  const exact = sampleSizeExact(population, marginOfError);
  return exact.toDecimalPlaces(0, rounding === 'up' ? Decimal.ROUND_CEIL : Decimal.ROUND_HALF_UP).toNumber();
}

export interface StratumPopulation {
  key: string;
  /** Persons available in the stratum's frame. */
  population: number;
}

export type QuotaMethod =
  /** The same number per stratum, e.g. 30 forms per field [seed 004]. */
  | { method: 'fixed'; perStratum: number }
  /** `total` shared in proportion to population, every stratum getting at least `minimum`. */
  | { method: 'proportional'; total: number; minimum?: number }
  /** Each stratum's own n = N/(1+N·e²). */
  | { method: 'formula'; marginOfError?: number; minimum?: number };

export interface QuotaAllocation {
  key: string;
  population: number;
  /** Forms the design asks for. */
  target: number;
  /** Forms the frame can supply: min(target, population). */
  allocated: number;
  /** target − allocated: too few people in the stratum. */
  shortfall: number;
}

export interface QuotaResult {
  allocations: QuotaAllocation[];
  totalTarget: number;
  totalAllocated: number;
  totalShortfall: number;
}

/**
 * Quotas per stratum. Proportional shares use the largest-remainder method after the minimums are set
 * aside; remainder ties go to the larger population, then the smaller key (code-point order). Shortfalls
 * are reported, never silently moved to other strata. Allocations are listed by key.
 */
export function allocateQuotas(strata: readonly StratumPopulation[], method: QuotaMethod): QuotaResult {
  const keys = new Set<string>();
  for (const s of strata) {
    if (keys.has(s.key)) throw new SamplingInputError(`tầng "${s.key}" bị trùng`);
    keys.add(s.key);
    if (!Number.isInteger(s.population) || s.population < 0) {
      throw new SamplingInputError(`tầng "${s.key}": quy mô ${s.population} phải là số nguyên không âm`);
    }
  }
  const nonNegativeInt = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 0)
      throw new SamplingInputError(`${name} = ${v} phải là số nguyên không âm`);
  };
  const sorted = [...strata].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let targets: Map<string, number>;
  switch (method.method) {
    case 'fixed':
      nonNegativeInt(method.perStratum, 'số phiếu mỗi tầng');
      targets = new Map(sorted.map((s) => [s.key, method.perStratum]));
      break;
    case 'formula': {
      const minimum = method.minimum ?? 0;
      nonNegativeInt(minimum, 'số phiếu tối thiểu');
      targets = new Map(
        sorted.map((s) => [s.key, Math.max(minimum, sampleSize(s.population, method.marginOfError))]),
      );
      break;
    }
    case 'proportional':
      targets = proportional(sorted, method.total, method.minimum ?? 0, nonNegativeInt);
      break;
  }
  const allocations = sorted.map((s) => {
    const target = targets.get(s.key) ?? 0;
    const allocated = Math.min(target, s.population);
    return { key: s.key, population: s.population, target, allocated, shortfall: target - allocated };
  });
  const total = (f: (a: QuotaAllocation) => number) => allocations.reduce((acc, a) => acc + f(a), 0);
  return {
    allocations,
    totalTarget: total((a) => a.target),
    totalAllocated: total((a) => a.allocated),
    totalShortfall: total((a) => a.shortfall),
  };
}

function proportional(
  strata: readonly StratumPopulation[],
  total: number,
  minimum: number,
  check: (v: number, name: string) => void,
): Map<string, number> {
  check(total, 'tổng số phiếu');
  check(minimum, 'số phiếu tối thiểu');
  const reserved = minimum * strata.length;
  if (reserved > total) {
    throw new SamplingInputError(
      `tổng số phiếu ${total} không đủ cho mức tối thiểu ${minimum} × ${strata.length} tầng = ${reserved}`,
    );
  }
  const remaining = total - reserved;
  const population = strata.reduce((a, s) => a + s.population, 0);
  const result = new Map(strata.map((s) => [s.key, minimum]));
  if (population === 0 || remaining === 0) return result;
  const shares = strata.map((s) => {
    const exact = new Dec(remaining).times(s.population).dividedBy(population);
    const floor = exact.floor().toNumber();
    return { s, floor, remainder: exact.minus(floor) };
  });
  let left = remaining - shares.reduce((a, x) => a + x.floor, 0);
  for (const x of shares) result.set(x.s.key, minimum + x.floor);
  const order = [...shares].sort(
    (a, b) =>
      b.remainder.comparedTo(a.remainder) ||
      b.s.population - a.s.population ||
      (a.s.key < b.s.key ? -1 : a.s.key > b.s.key ? 1 : 0),
  );
  for (const x of order) {
    if (left === 0) break;
    result.set(x.s.key, (result.get(x.s.key) ?? 0) + 1);
    left -= 1;
  }
  return result;
}
