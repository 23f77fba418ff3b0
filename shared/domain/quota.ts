/**
 * A round's quota policy (issue 9 "Quotas"): how many official and reserve forms each stratum
 * (unit × field) asks for. The official targets come from `allocateQuotas` in sample-size.ts
 * (fixed, proportional with a minimum by largest remainder, or n = N/(1+N·e²) rounded up); this file
 * adds the round's policy schema and the reserve. A stratum with too few persons takes everyone and
 * reports the shortfall; it is never made up from another stratum.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { Dec } from './decimal.ts';
import type { DrawStratum, StratumQuota } from './draw-engine.ts';
import { drawStratumKey } from './draw-engine.ts';
import { SamplingInputError } from './errors.ts';
import { allocateQuotas, type QuotaMethod } from './sample-size.ts';

const count = z.number().int().nonnegative();
/** Reserve forms per official target form, e.g. 1 (as many reserves as officials) or 0.2. */
const reserveRatio = z.number().nonnegative().max(10);

export const quotaPolicySchema = z.discriminatedUnion('kind', [
  /** The same numbers in every stratum, e.g. 30 official + 30 reserve [seed 004]. */
  z.object({ kind: z.literal('fixed'), official: count, reserve: count }).strict(),
  /** `total` official forms shared in proportion to persons, each stratum getting at least `minPerStratum`. */
  z.object({ kind: z.literal('proportional'), total: count, minPerStratum: count, reserveRatio }).strict(),
  /** Each stratum's own n = N/(1+N·e²), rounded up, at least `minPerStratum`. */
  z
    .object({
      kind: z.literal('formula'),
      marginOfError: z.number().gt(0).lt(1),
      minPerStratum: count.optional(),
      reserveRatio,
    })
    .strict(),
]);
export type QuotaPolicy = z.infer<typeof quotaPolicySchema>;

export interface RoundQuota {
  /** Official forms the policy asks of the stratum. */
  target: number;
  /** Reserve forms the policy asks of the stratum (fixed, or ⌈target × reserveRatio⌉). */
  reserveTarget: number;
  /** Official forms the stratum can fill: min(target, persons). */
  official: number;
  /** Reserve forms it can fill: min(reserveTarget, persons − official). */
  reserve: number;
  /** target − official: official forms missing for lack of persons. */
  shortfall: number;
}

const methodOf = (policy: QuotaPolicy): QuotaMethod => {
  switch (policy.kind) {
    case 'fixed':
      return { method: 'fixed', perStratum: policy.official };
    case 'proportional':
      return { method: 'proportional', total: policy.total, minimum: policy.minPerStratum };
    case 'formula':
      return { method: 'formula', marginOfError: policy.marginOfError, minimum: policy.minPerStratum ?? 0 };
  }
};

/** Reserve target, rounded up in exact decimals (0.1 × 30 is 3, not 3.0000000000000004 → 4). */
const reserveTargetOf = (policy: QuotaPolicy, target: number): number =>
  policy.kind === 'fixed'
    ? policy.reserve
    : new Dec(target).times(policy.reserveRatio).toDecimalPlaces(0, Decimal.ROUND_CEIL).toNumber();

/**
 * Quotas of every stratum under the round's policy, keyed by stratum key, in key order.
 * `persons` is the number of persons the stratum holds after rule 15.
 */
export function allocateRoundQuotas(
  policy: QuotaPolicy,
  strata: ReadonlyArray<{ key: string; persons: number }>,
): Map<string, RoundQuota> {
  const parsed = quotaPolicySchema.safeParse(policy);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || 'kind').join(', ');
    throw new SamplingInputError(`chính sách số phiếu của đợt không hợp lệ (${where})`);
  }
  const valid = parsed.data;
  const { allocations } = allocateQuotas(
    strata.map((s) => ({ key: s.key, population: s.persons })),
    methodOf(valid),
  );
  const out = new Map<string, RoundQuota>();
  for (const a of allocations) {
    const reserveTarget = reserveTargetOf(valid, a.target);
    out.set(a.key, {
      target: a.target,
      reserveTarget,
      official: a.allocated,
      reserve: Math.min(reserveTarget, a.population - a.allocated),
      shortfall: a.shortfall,
    });
  }
  return out;
}

/**
 * The draw engine's `quotaOf` for allocated quotas: it hands the draw the *targets* (the draw caps
 * them at the persons available and reports the same shortfall). Strata keys are `unit#field`.
 */
export const drawQuotaOf =
  (quotas: ReadonlyMap<string, RoundQuota>) =>
  (stratum: DrawStratum): StratumQuota => {
    const key = drawStratumKey(stratum.unitCode, stratum.fieldCode);
    const q = quotas.get(key);
    if (!q) throw new SamplingInputError(`tầng ${key} không có trong phân bổ số phiếu`);
    return { official: q.target, reserve: q.reserveTarget };
  };
