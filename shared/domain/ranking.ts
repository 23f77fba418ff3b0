/**
 * Ranking of units by index, with deterministic ties (methodology.md §7: tie-break rule not found →
 * configurable). Rule:
 *   1. higher index first — compared on the published 2-dp value by default (`compareOn: 'rounded'`),
 *      so units that look equal in the report share a rank;
 *   2. then each optional tie-breaker value in order, higher first (e.g. the appraised score);
 *   3. units still equal share the rank — `competition` ranking 1, 2, 2, 4 by default, or `dense` 1, 2, 2, 3 —
 *      and are listed by unit code (code-point order), which never affects the rank itself.
 * Units without an index (not applicable) get rank `null` and are listed last. The result never depends
 * on the input order.
 */
import { Dec, type DecimalInput, round2 } from './decimal.ts';
import { ScoringInputError } from './errors.ts';
import type { RankingRules } from './par-rules.ts';
import { DEFAULT_PAR_RULES } from './par-rules.ts';

export interface RankEntry {
  unitCode: string;
  index: DecimalInput | null;
  tieBreakers?: DecimalInput[];
}

export interface PreviousRank {
  unitCode: string;
  index: DecimalInput;
  rank: number;
}

export interface RankedUnit {
  unitCode: string;
  index: Dec | null;
  rank: number | null;
  /** Another unit shares this rank. */
  tied: boolean;
  /** Change against the previous year, when known: index (points, exact) and rank (positive = moved up). */
  indexChange: Dec | null;
  rankChange: number | null;
}

export function rankUnits(
  entries: readonly RankEntry[],
  rules: Partial<RankingRules> = {},
  previous: readonly PreviousRank[] = [],
): RankedUnit[] {
  const r: RankingRules = { ...DEFAULT_PAR_RULES.ranking, ...rules };
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.unitCode))
      throw new ScoringInputError(`đơn vị "${e.unitCode}" xuất hiện hai lần trong bảng xếp hạng`);
    seen.add(e.unitCode);
  }
  const key = (v: DecimalInput): Dec => (r.compareOn === 'rounded' ? new Dec(round2(v)) : new Dec(v));
  const prepared = entries.map((e) => ({
    unitCode: e.unitCode,
    index: e.index === null ? null : new Dec(e.index),
    keys: e.index === null ? [] : [key(e.index), ...(e.tieBreakers ?? []).map((t) => new Dec(t))],
  }));
  const compareKeys = (a: Dec[], b: Dec[]): number => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x === undefined || y === undefined) return x === undefined ? (y === undefined ? 0 : 1) : -1;
      const c = y.comparedTo(x);
      if (c !== 0) return c;
    }
    return 0;
  };
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const scored = prepared
    .filter((p) => p.index !== null)
    .sort((a, b) => compareKeys(a.keys, b.keys) || byCode(a.unitCode, b.unitCode));
  const unscored = prepared.filter((p) => p.index === null).sort((a, b) => byCode(a.unitCode, b.unitCode));
  const prev = new Map(previous.map((p) => [p.unitCode, p]));

  const ranks: number[] = [];
  scored.forEach((p, i) => {
    const before = scored[i - 1];
    const prevRank = ranks[i - 1];
    if (before !== undefined && prevRank !== undefined && compareKeys(before.keys, p.keys) === 0) {
      ranks.push(prevRank);
    } else {
      ranks.push(r.tieRanks === 'competition' ? i + 1 : (prevRank ?? 0) + 1);
    }
  });
  const counts = new Map<number, number>();
  for (const k of ranks) counts.set(k, (counts.get(k) ?? 0) + 1);

  return [
    ...scored.map((p, i) => {
      const rank = ranks[i] ?? null;
      const before = prev.get(p.unitCode);
      return {
        unitCode: p.unitCode,
        index: p.index,
        rank,
        tied: rank !== null && (counts.get(rank) ?? 0) > 1,
        indexChange: before === undefined || p.index === null ? null : p.index.minus(new Dec(before.index)),
        rankChange: before === undefined || rank === null ? null : before.rank - rank,
      };
    }),
    ...unscored.map((p) => ({
      unitCode: p.unitCode,
      index: null,
      rank: null,
      tied: false,
      indexChange: null,
      rankChange: null,
    })),
  ];
}
