import { type Principal, visibleUnits } from '../../shared/platform/auth.ts';

type UnitRows = ReadonlyArray<{ unitCode: string }>;
type Row = Record<string, unknown>;

const validOf = (row: Row): number | null => {
  const c = row.counts as { valid?: unknown } | undefined;
  return typeof c?.valid === 'number' ? c.valid : null;
};

/**
 * Small-cell suppression: a row with fewer than k valid forms keeps its counts but loses every index and
 * interval (null) and is marked `suppressed: true`, so that a handful of answers cannot be traced back.
 */
export const suppressRow = <T extends Row>(row: T, k: number): T => {
  const valid = validOf(row);
  if (valid === null) return row;
  if (valid >= k) return { ...row, suppressed: false };
  const blank = (xs: unknown) =>
    Array.isArray(xs) ? xs.map((x: Row) => ({ ...x, index: null, ci: null })) : xs;
  return {
    ...row,
    index: null,
    ci: null,
    aspects: blank(row.aspects),
    elements: blank(row.elements),
    items: Array.isArray(row.items)
      ? row.items.map((x: Row) => ({ ...x, index: null, ci: null, satisfied: null, levelCounts: null }))
      : row.items,
    ...('points' in row ? { points: null, grade: null } : {}),
    suppressed: true,
  };
};

export const mayseeSmallCells = (principal: Principal): boolean => principal.roles.includes('admin');

/**
 * A unit's focal point sees its own unit's rows; the province-wide aggregate stays visible. Roles below
 * admin get small cells suppressed (k = the round's minCellSize) at every level.
 */
export const scopeResults = <
  T extends { units: UnitRows; unitFields: UnitRows; fields?: unknown; round?: unknown },
>(
  latest: T | null,
  principal: Principal,
  minCellSize: number,
): T | null => {
  if (!latest) return latest;
  const scoped =
    principal.units === '*'
      ? latest
      : {
          ...latest,
          units: visibleUnits(principal, latest.units),
          unitFields: visibleUnits(principal, latest.unitFields),
        };
  if (mayseeSmallCells(principal)) return scoped;
  const k = minCellSize;
  return {
    ...scoped,
    units: scoped.units.map((r) => suppressRow(r as Row, k)),
    unitFields: scoped.unitFields.map((r) => suppressRow(r as Row, k)),
    ...(Array.isArray(scoped.fields) ? { fields: scoped.fields.map((r: Row) => suppressRow(r, k)) } : {}),
    ...(scoped.round && typeof scoped.round === 'object'
      ? { round: suppressRow(scoped.round as Row, k) }
      : {}),
  } as T;
};
