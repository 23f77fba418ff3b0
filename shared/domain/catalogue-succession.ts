/**
 * Comparing rounds across a reorganisation (methodology.md §3): the 2025 reform merged communes and
 * removed districts, so a 2024 unit and a 2026 unit are compared through the catalogue's successor
 * links. A unit still valid on the later date maps to itself; a unit that ended maps, through its
 * successors (followed transitively: a commune merged in 2025 and again later), to the units valid on
 * the later date. A unit with no valid successor maps to nothing (it is reported, never guessed).
 */
import { isValidOn, type OrgUnit } from './org-unit.ts';

export interface SuccessorMapping {
  /** A unit valid on `from`. */
  code: string;
  name: string;
  /** The units valid on `to` that carry it on (sorted), empty when none does. */
  successors: string[];
}

export interface PredecessorMapping {
  /** A unit valid on `to`. */
  code: string;
  name: string;
  /** The units valid on `from` it carries on (sorted; itself when it was already valid). */
  predecessors: string[];
}

const byCodeOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The units valid on `to` that `unit` leads to. */
function successorsOn(unit: OrgUnit, byCode: ReadonlyMap<string, OrgUnit>, to: string): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (u: OrgUnit): void => {
    if (seen.has(u.code)) return;
    seen.add(u.code);
    if (isValidOn(u, to)) {
      out.add(u.code);
      return;
    }
    for (const code of u.successorCodes) {
      const next = byCode.get(code);
      if (next !== undefined) walk(next);
    }
  };
  walk(unit);
  return [...out].sort(byCodeOrder);
}

/** For each unit valid on `from` (yyyy-mm-dd), the units valid on `to` that carry it on. */
export function successorMapping(
  units: readonly OrgUnit[],
  dates: { from: string; to: string },
): SuccessorMapping[] {
  const byCode = new Map(units.map((u) => [u.code, u]));
  return units
    .filter((u) => isValidOn(u, dates.from))
    .sort((a, b) => byCodeOrder(a.code, b.code))
    .map((u) => ({ code: u.code, name: u.name, successors: successorsOn(u, byCode, dates.to) }));
}

/** The same links read the other way: for each unit valid on `to`, the units of `from` it continues. */
export function predecessorMapping(
  units: readonly OrgUnit[],
  dates: { from: string; to: string },
): PredecessorMapping[] {
  const forward = successorMapping(units, dates);
  const back = new Map<string, string[]>();
  for (const f of forward) for (const s of f.successors) back.set(s, [...(back.get(s) ?? []), f.code]);
  return units
    .filter((u) => isValidOn(u, dates.to))
    .sort((a, b) => byCodeOrder(a.code, b.code))
    .map((u) => ({ code: u.code, name: u.name, predecessors: (back.get(u.code) ?? []).sort(byCodeOrder) }));
}
