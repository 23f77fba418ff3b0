/**
 * Per-round SIPAS scoring rules (data-rules rule 16; methodology.md §6.1, all [assumption — configurable]).
 *
 * Defaults: a form is valid when ≥ 50 % of its satisfaction items carry a valid answer (integer 1–5);
 * item index = share of satisfied answers (levels 4–5 of the template's scale) among valid answers × 100;
 * element = mean of its items; aspect = mean of its elements; overall = mean of the aspects.
 */
import { z } from 'zod';
import { Dec, sum, viNumber } from './decimal.ts';
import { ConfigError } from './errors.ts';

export const sipasIndexMethodSchema = z.enum(['share-satisfied', 'mean-normalised']);
export const sipasAggregationSchema = z.enum(['mean-of-aspects', 'mean-of-elements', 'pooled', 'weighted']);

export const sipasWeightsSchema = z.object({
  /** Weights apply to elements (P1…S5) or to aspects (CS, DV). */
  level: z.enum(['element', 'aspect']),
  values: z.record(z.string(), z.number().nonnegative()),
  /** The total the weights must add up to exactly, e.g. 1 or 100. */
  declaredTotal: z.number().positive(),
});

export const sipasRulesSchema = z
  .object({
    /** Share (0–1) of the template's satisfaction items a form must answer validly to count. */
    minValidShare: z.number().min(0).max(1),
    indexMethod: sipasIndexMethodSchema,
    aggregation: sipasAggregationSchema,
    weights: sipasWeightsSchema.optional(),
    /** Levels counted as satisfied; when absent, the template's `scale.satisfiedLevels` (4 and 5). */
    satisfiedLevels: z.array(z.number().int().min(1).max(5)).min(1).optional(),
  })
  .superRefine((rules, ctx) => {
    if (rules.aggregation === 'weighted' && rules.weights === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['weights'],
        message: 'cách tổng hợp "weighted" cần khai báo trọng số',
      });
    }
    if (rules.weights !== undefined) {
      const total = sum(Object.values(rules.weights.values).map((v) => new Dec(v)));
      if (!total.equals(new Dec(rules.weights.declaredTotal))) {
        ctx.addIssue({
          code: 'custom',
          path: ['weights', 'values'],
          message: `tổng trọng số (${viNumber(total)}) khác tổng khai báo (${viNumber(rules.weights.declaredTotal)})`,
        });
      }
    }
  });
export type SipasRules = z.infer<typeof sipasRulesSchema>;

export const DEFAULT_SIPAS_RULES: SipasRules = {
  minValidShare: 0.5,
  indexMethod: 'share-satisfied',
  aggregation: 'mean-of-aspects',
};

/** Merge a round's overrides onto the defaults and validate; throws `ConfigError` naming the setting. */
export function resolveSipasRules(
  overrides: Partial<SipasRules> = {},
  base: SipasRules = DEFAULT_SIPAS_RULES,
) {
  const parsed = sipasRulesSchema.safeParse({ ...base, ...overrides });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const where = `quy tắc SIPAS "${i.path.join('.')}"`;
        return { where, code: 'INVALID_SIPAS_RULES', message: `${where}: ${i.message}` };
      }),
    );
  }
  return parsed.data;
}
