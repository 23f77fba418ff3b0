/**
 * The draw of a manifest from dossier rows, through the domain's lean engine: used by the draw itself
 * and by verification (which recomputes it from the stored roster and compares).
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
  strataOf,
} from '../../shared/domain/index.ts';
import type { SampleManifest } from '../../shared/tables/samples.ts';

export type DrawRequest = Pick<
  SampleManifest,
  'seed' | 'officialPerStratum' | 'reservePerStratum' | 'quotaPolicy'
>;

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
  return { ...result, rosterHash: rosterHashOf(dossiers) };
};
