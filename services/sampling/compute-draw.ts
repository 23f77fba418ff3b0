/**
 * The draw of a manifest from dossier rows in one piece, through the domain's lean engine: what
 * verification recomputes (and what the fanned-out draw, draw-parts.ts, must equal).
 */
import {
  allocateRoundQuotas,
  type DrawDossier,
  type DrawResult,
  drawQuotaOf,
  drawStrata,
  drawStratumKey,
  groupPersonsByStratum,
  type QuotaPolicy,
  rosterHashOf,
  rosterHashOfUnits,
  strataOf,
} from '../../shared/domain/index.ts';
import type { SampleManifest } from '../../shared/tables/samples.ts';

export type DrawRequest = Pick<
  SampleManifest,
  'seed' | 'officialPerStratum' | 'reservePerStratum' | 'quotaPolicy'
> &
  Partial<Pick<SampleManifest, 'rosterHashMethod'>>;

/** The method's name for the roster hash of a fanned-out draw (rosterHashOfUnits). */
export const ROSTER_HASH_BY_UNIT = 'by-unit-v1';

/** Per unit, the roster hash of its rows (rosterHashOfUnits combines them). */
export const unitHashesOf = (dossiers: readonly DrawDossier[]): Array<{ unitCode: string; hash: string }> => {
  const byUnit = new Map<string, DrawDossier[]>();
  for (const d of dossiers) {
    const list = byUnit.get(d.unitCode);
    if (list) list.push(d);
    else byUnit.set(d.unitCode, [d]);
  }
  return [...byUnit.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([unitCode, rows]) => ({ unitCode, hash: rosterHashOf(rows) }));
};

/** The roster hash the way the manifest computed it (by unit for a fanned-out draw). */
export const manifestRosterHash = (
  request: Pick<DrawRequest, 'rosterHashMethod'>,
  dossiers: readonly DrawDossier[],
): string =>
  request.rosterHashMethod === ROSTER_HASH_BY_UNIT
    ? rosterHashOfUnits(unitHashesOf(dossiers))
    : rosterHashOf(dossiers);

export const computeDraw = async (
  roundId: string,
  request: DrawRequest,
  dossiers: readonly DrawDossier[],
  threads = 1,
): Promise<DrawResult & { rosterHash: string }> => {
  const strata = groupPersonsByStratum(dossiers, strataOf(dossiers));
  const fixed = { official: request.officialPerStratum, reserve: request.reservePerStratum };
  const quotaOf = request.quotaPolicy
    ? drawQuotaOf(
        allocateRoundQuotas(
          request.quotaPolicy as QuotaPolicy,
          strata.map((s) => ({ key: drawStratumKey(s.unitCode, s.fieldCode), persons: s.personKeys.length })),
        ),
      )
    : () => fixed;
  const result = await drawStrata({ seed: request.seed, roundId, strata, quotaOf }, { threads });
  return { ...result, rosterHash: manifestRosterHash(request, dossiers) };
};
