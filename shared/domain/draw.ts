/**
 * The hash-rank draw (design.md "The draw"). Pure and deterministic: each eligible person in
 * a stratum (unit × field) is ranked by SHA-256(seed ‖ round ‖ stratum ‖ personKey); the
 * lowest n form the official list, the next m the reserve. Independent of row order, and
 * reproducible later from the manifest (roster hash + seed + algorithm version).
 */
import { createHash } from 'node:crypto';
import { stratumKey } from './strata.ts';

const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');

export const DRAW_ALGORITHM = 'sha256-rank-v1';
const SEP = '\u001f';

export interface EligibleDossier {
  dossierId: string;
  personKey: string;
  unitCode: string;
  fieldCode: string;
  completedOn: string;
  row: number;
}

export interface DrawPick {
  unitCode: string;
  fieldCode: string;
  list: 'official' | 'reserve';
  rank: number;
  personKey: string;
}

export interface StratumCount {
  unitCode: string;
  fieldCode: string;
  persons: number;
  official: number;
  reserve: number;
  /** Forms the stratum could not fill (official quota − persons available). */
  shortfall: number;
}

/**
 * Rule 15: the unit of sampling is the person. A person with dossiers in several strata
 * belongs to the stratum of their latest completion date; ties go to the dossier with the
 * lowest spreadsheet row, then the lowest dossier id.
 */
export const assignPersonsToStrata = (dossiers: readonly EligibleDossier[]): Map<string, EligibleDossier> => {
  const chosen = new Map<string, EligibleDossier>();
  for (const d of dossiers) {
    const current = chosen.get(d.personKey);
    const better =
      !current ||
      d.completedOn > current.completedOn ||
      (d.completedOn === current.completedOn &&
        (d.row < current.row || (d.row === current.row && d.dossierId < current.dossierId)));
    if (better) chosen.set(d.personKey, d);
  }
  return chosen;
};

export const rosterHash = (dossiers: readonly EligibleDossier[]): string =>
  sha256Hex(
    dossiers
      .map((d) => [d.dossierId, d.personKey, d.unitCode, d.fieldCode, d.completedOn].join(SEP))
      .sort()
      .join('\n'),
  );

export const rankKey = (seed: string, roundId: string, stratum: string, personKey: string): string =>
  sha256Hex([seed, roundId, stratum, personKey].join(SEP));

export const drawSample = (
  dossiers: readonly EligibleDossier[],
  request: { seed: string; roundId: string; officialPerStratum: number; reservePerStratum: number },
  strata: ReadonlyArray<{ unitCode: string; fieldCode: string }>,
): { picks: DrawPick[]; counts: StratumCount[] } => {
  const byStratum = new Map<string, string[]>();
  for (const d of assignPersonsToStrata(dossiers).values()) {
    const key = stratumKey(d);
    const list = byStratum.get(key) ?? [];
    list.push(d.personKey);
    byStratum.set(key, list);
  }
  const picks: DrawPick[] = [];
  const counts: StratumCount[] = [];
  for (const { unitCode, fieldCode } of strata) {
    const key = stratumKey({ unitCode, fieldCode });
    const ranked = (byStratum.get(key) ?? [])
      .map((personKey) => ({ personKey, rank: rankKey(request.seed, request.roundId, key, personKey) }))
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.personKey < b.personKey ? -1 : 1));
    const official = Math.min(request.officialPerStratum, ranked.length);
    const reserve = Math.min(request.reservePerStratum, ranked.length - official);
    ranked.slice(0, official + reserve).forEach((p, i) => {
      const isOfficial = i < official;
      picks.push({
        unitCode,
        fieldCode,
        list: isOfficial ? 'official' : 'reserve',
        rank: isOfficial ? i + 1 : i - official + 1,
        personKey: p.personKey,
      });
    });
    counts.push({
      unitCode,
      fieldCode,
      persons: ranked.length,
      official,
      reserve,
      shortfall: Math.max(request.officialPerStratum - ranked.length, 0),
    });
  }
  return { picks, counts };
};

/** The distinct strata (unit × field) of a frame, in key order: the strata a draw covers. */
export const strataOf = (
  dossiers: readonly EligibleDossier[],
): Array<{ unitCode: string; fieldCode: string }> => {
  const byKey = new Map<string, { unitCode: string; fieldCode: string }>();
  for (const d of dossiers) {
    const key = stratumKey(d);
    if (!byKey.has(key)) byKey.set(key, { unitCode: d.unitCode, fieldCode: d.fieldCode });
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
};
