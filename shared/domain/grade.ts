/** Result bands / grades of an index (methodology.md §7). */
import { Dec, type DecimalInput, round2 } from './decimal.ts';
import { ConfigError } from './errors.ts';
import { configIssues, type GradeRules, gradeRulesSchema, NATIONAL_BANDS } from './par-rules.ts';

export interface Grade {
  code: string;
  name: string;
}

/**
 * The band of an index. With `compareOn: 'rounded'` (default) the published 2-dp value is compared, so a
 * report never shows "90.00" in band B; with `exact` the full-precision value is (89.996 → B).
 */
export function gradeOf(index: DecimalInput, rules: GradeRules = NATIONAL_BANDS): Grade {
  const parsed = gradeRulesSchema.safeParse(rules);
  if (!parsed.success) throw new ConfigError(configIssues('xếp loại', 'INVALID_GRADES', parsed.error));
  const value = rules.compareOn === 'rounded' ? new Dec(round2(index)) : new Dec(index);
  const band = rules.bands.find((b) => value.greaterThanOrEqualTo(b.min));
  return band === undefined ? { ...rules.below } : { code: band.code, name: band.name };
}
