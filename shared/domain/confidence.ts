/**
 * Margins of error of SIPAS figures (issue 11; docs/margins-of-error.md).
 *
 * - `wilsonInterval`: the Wilson score interval of a share — an item's % satisfied — optionally with the
 *   finite-population correction (the score test with variance p(1 − p)/n · (N − n)/(N − 1), which turns
 *   z² into z² · (N − n)/(N − 1); the interval shrinks to the point when every roster member answered).
 * - `rankWithIntervals`: the deterministic point ranking of `rankUnits`, plus, for each unit, the units
 *   whose intervals overlap its own ("statistically tied with"), the range of ranks compatible with the
 *   intervals, and tie groups (connected runs of overlapping intervals).
 */
import type { DecimalInput } from './decimal.ts';
import { ScoringInputError } from './errors.ts';
import type { RankingRules } from './par-rules.ts';
import { type PreviousRank, type RankedUnit, rankUnits } from './ranking.ts';

/** z = Φ⁻¹(0.975), the 95 % two-sided normal quantile. */
export const Z_95 = 1.959963984540054;

export interface ShareInterval {
  /** Point estimate in % (100 · successes / n); `null` when n = 0. */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * Wilson score interval, in % (0–100):
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²),
 * with z² replaced by z² · (N − n)/(N − 1) when the population size N is known (FPC).
 */
export function wilsonInterval(
  successes: number,
  n: number,
  options: { population?: number | null; z?: number } = {},
): ShareInterval {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) {
    throw new ScoringInputError(`tỷ lệ ${successes}/${n} không hợp lệ`);
  }
  if (n === 0) return { estimate: null, lower: null, upper: null };
  const z = options.z ?? Z_95;
  const N = options.population ?? null;
  if (N !== null && (!Number.isInteger(N) || N < n)) {
    throw new ScoringInputError(`tổng thể ${N} nhỏ hơn số phiếu ${n}`);
  }
  const fpc = N === null ? 1 : N === 1 ? 0 : (N - n) / (N - 1);
  const z2 = z * z * fpc;
  const p = successes / n;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Math.sqrt(z2) / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    estimate: 100 * p,
    // The bounds are exactly 0 and 1 at p̂ = 0 and p̂ = 1; float rounding would show 99.99999….
    lower: successes === 0 ? 0 : 100 * Math.max(0, centre - half),
    upper: successes === n ? 100 : 100 * Math.min(1, centre + half),
  };
}

export interface IntervalRankEntry {
  unitCode: string;
  index: DecimalInput | null;
  lower: number | null;
  upper: number | null;
  tieBreakers?: DecimalInput[];
}

export interface IntervalRankedUnit extends RankedUnit {
  lower: number | null;
  upper: number | null;
  /** Units whose interval overlaps this unit's (code order): their order is not statistically supported. */
  tiedWith: string[];
  /** Best and worst rank compatible with the intervals: 1 + units surely above, n − units surely below. */
  rankRange: { best: number; worst: number } | null;
  /** Tie group number (1 = top group): connected runs of overlapping intervals in point-rank order. */
  tieGroup: number | null;
}

/**
 * Point ranking kept as published (`rankUnits`: deterministic, ties on the rounded value) and, beside it,
 * what the intervals support. Two intervals overlap when a.lower ≤ b.upper and b.lower ≤ a.upper. Units
 * without an index or interval are ranked as `rankUnits` does and left out of tie analysis.
 */
export function rankWithIntervals(
  entries: readonly IntervalRankEntry[],
  rules: Partial<RankingRules> = {},
  previous: readonly PreviousRank[] = [],
): IntervalRankedUnit[] {
  for (const e of entries) {
    if ((e.lower === null) !== (e.upper === null) || (e.lower !== null && e.upper! < e.lower)) {
      throw new ScoringInputError(`đơn vị "${e.unitCode}": khoảng tin cậy không hợp lệ`);
    }
  }
  const ranked = rankUnits(
    entries.map((e) => ({ unitCode: e.unitCode, index: e.index, tieBreakers: e.tieBreakers })),
    rules,
    previous,
  );
  const byCode = new Map(entries.map((e) => [e.unitCode, e]));
  const withInterval = ranked.filter((r) => {
    const e = byCode.get(r.unitCode)!;
    return r.index !== null && e.lower !== null && e.upper !== null;
  });
  const iv = (code: string) => {
    const e = byCode.get(code)!;
    return { lower: e.lower!, upper: e.upper! };
  };
  const overlaps = (a: string, b: string) => {
    const x = iv(a);
    const y = iv(b);
    return x.lower <= y.upper && y.lower <= x.upper;
  };
  // Tie groups: walk in point-rank order; a unit joins the current group when its interval overlaps
  // the interval of any unit already in it (the lowest lower bound of the group decides).
  const group = new Map<string, number>();
  let current = 0;
  let groupLow = Number.POSITIVE_INFINITY;
  for (const r of withInterval) {
    const { lower, upper } = iv(r.unitCode);
    if (current === 0 || upper < groupLow) {
      current += 1;
      groupLow = lower;
    } else {
      groupLow = Math.min(groupLow, lower);
    }
    group.set(r.unitCode, current);
  }
  const n = withInterval.length;
  return ranked.map((r) => {
    const e = byCode.get(r.unitCode)!;
    if (!group.has(r.unitCode)) {
      return { ...r, lower: e.lower, upper: e.upper, tiedWith: [], rankRange: null, tieGroup: null };
    }
    const me = iv(r.unitCode);
    const others = withInterval.filter((o) => o.unitCode !== r.unitCode);
    const above = others.filter((o) => iv(o.unitCode).lower > me.upper).length;
    const below = others.filter((o) => iv(o.unitCode).upper < me.lower).length;
    return {
      ...r,
      lower: e.lower,
      upper: e.upper,
      tiedWith: others
        .filter((o) => overlaps(r.unitCode, o.unitCode))
        .map((o) => o.unitCode)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      rankRange: { best: 1 + above, worst: n - below },
      tieGroup: group.get(r.unitCode) ?? null,
    };
  });
}
