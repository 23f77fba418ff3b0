/**
 * The round's quota setting (shared/tables/rounds.ts `quota`) → forms per stratum, through the
 * domain's allocation (shared/domain/sample-size.ts). Strata and their populations come from the
 * frame as the draw sees it (one person, one stratum: rule 15). Not yet on the API: a later issue
 * lets POST …/samples take the round's quota instead of explicit per-stratum numbers.
 */
import {
  allocateQuotas,
  assignPersonsToStrata,
  type EligibleDossier,
  type QuotaMethod,
  stratumKey,
} from '../../shared/domain/index.ts';
import type { RoundQuota } from '../../shared/tables/rounds.ts';

export interface StratumQuota {
  key: string;
  population: number;
  official: number;
  reserve: number;
  shortfall: number;
}

const methodOf = (quota: RoundQuota): QuotaMethod => {
  switch (quota.kind) {
    case 'fixed':
      return { method: 'fixed', perStratum: quota.official };
    case 'proportional':
      return { method: 'proportional', total: quota.total, minimum: quota.minPerStratum };
    case 'formula':
      return {
        method: 'formula',
        marginOfError: quota.marginOfError,
        ...(quota.minPerStratum === undefined ? {} : { minimum: quota.minPerStratum }),
      };
  }
};

export const planQuotas = (quota: RoundQuota, dossiers: readonly EligibleDossier[]): StratumQuota[] => {
  const population = new Map<string, number>();
  for (const d of assignPersonsToStrata(dossiers).values()) {
    const key = stratumKey(d);
    population.set(key, (population.get(key) ?? 0) + 1);
  }
  const { allocations } = allocateQuotas(
    [...population.entries()].map(([key, n]) => ({ key, population: n })),
    methodOf(quota),
  );
  return allocations.map((a) => ({
    key: a.key,
    population: a.population,
    official: a.allocated,
    reserve: quota.kind === 'fixed' ? quota.reserve : Math.ceil(a.allocated * quota.reserveRatio),
    shortfall: a.shortfall,
  }));
};
