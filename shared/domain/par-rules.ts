/**
 * Per-round PAR Index rules (methodology.md §6.3–6.5, §7): answer-option weights of the provincial
 * survey, result bands / grades, ranking and the handling of missing component scores.
 */
import { z } from 'zod';
import { ConfigError, type Issue } from './errors.ts';

const bandSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  /** Inclusive lower bound in % (0–100). */
  min: z.number().min(0).max(100),
});

export const gradeRulesSchema = z
  .object({
    /** Compare the published (2-dp, half-up) value or the exact value with the thresholds. */
    compareOn: z.enum(['rounded', 'exact']),
    /** Bands from the highest threshold down. */
    bands: z.array(bandSchema).min(1),
    /** Band for everything below the last threshold. */
    below: z.object({ code: z.string().min(1), name: z.string().min(1) }),
  })
  .superRefine((g, ctx) => {
    const codes = new Set<string>();
    g.bands.forEach((b, i) => {
      if (codes.has(b.code))
        ctx.addIssue({ code: 'custom', path: ['bands', i], message: `mã xếp loại "${b.code}" bị trùng` });
      codes.add(b.code);
      const prev = g.bands[i - 1];
      if (prev !== undefined && b.min >= prev.min) {
        ctx.addIssue({
          code: 'custom',
          path: ['bands', i],
          message: `ngưỡng của "${b.code}" (${b.min}) phải nhỏ hơn ngưỡng của "${prev.code}" (${prev.min})`,
        });
      }
    });
    if (codes.has(g.below.code)) {
      ctx.addIssue({ code: 'custom', path: ['below'], message: `mã xếp loại "${g.below.code}" bị trùng` });
    }
  });
export type GradeRules = z.infer<typeof gradeRulesSchema>;

export const rankingRulesSchema = z.object({
  /** Ties are judged on the published (rounded) value by default: two units shown as 85.78 share a rank. */
  compareOn: z.enum(['rounded', 'exact']),
  /** `competition`: 1, 2, 2, 4 (the next rank skips); `dense`: 1, 2, 2, 3. */
  tieRanks: z.enum(['competition', 'dense']),
});
export type RankingRules = z.infer<typeof rankingRulesSchema>;

export const parRulesSchema = z.object({
  /** Share (0–1) of an item's maximum earned by each answer option [assumption: A 100 %, B 60 %, C 20 %, D 0 %]. */
  optionWeights: z.record(z.string(), z.number().min(0).max(1)),
  /** Options that are not a rating ("cannot judge"): excluded from the item's raters. */
  abstainOptions: z.array(z.string()),
  /** A component without a score: refuse (`error`) or count 0 points (`zero`). `null` always means not applicable. */
  missingScore: z.enum(['error', 'zero']),
  grades: gradeRulesSchema,
  ranking: rankingRulesSchema,
});
export type ParRules = z.infer<typeof parRulesSchema>;

/** National bands: A ≥ 90, B 80–<90 [source: VNPlus-PAR2024], C 70–<80 [source: TTHue-2015]; below 70 [assumption]. */
export const NATIONAL_BANDS: GradeRules = {
  compareOn: 'rounded',
  bands: [
    { code: 'A', name: 'Nhóm A', min: 90 },
    { code: 'B', name: 'Nhóm B', min: 80 },
    { code: 'C', name: 'Nhóm C', min: 70 },
  ],
  below: { code: 'D', name: 'Dưới 70 %' },
};

/** Word grades of internal indices [source: KhanhHoa-CCHC]; thresholds [assumption — configurable]. */
export const WORD_GRADES: GradeRules = {
  compareOn: 'rounded',
  bands: [
    { code: 'TOT', name: 'Tốt', min: 90 },
    { code: 'KHA', name: 'Khá', min: 80 },
    { code: 'TRUNG_BINH', name: 'Trung bình', min: 65 },
  ],
  below: { code: 'YEU', name: 'Yếu' },
};

export const DEFAULT_PAR_RULES: ParRules = {
  optionWeights: { A: 1, B: 0.6, C: 0.2, D: 0 },
  abstainOptions: ['X'],
  missingScore: 'error',
  grades: NATIONAL_BANDS,
  ranking: { compareOn: 'rounded', tieRanks: 'competition' },
};

export function configIssues(prefix: string, code: string, error: z.ZodError): Issue[] {
  return error.issues.map((i) => {
    const where = `${prefix} "${i.path.join('.')}"`;
    return { where, code, message: `${where}: ${i.message}` };
  });
}

export function resolveParRules(
  overrides: Partial<ParRules> = {},
  base: ParRules = DEFAULT_PAR_RULES,
): ParRules {
  const parsed = parRulesSchema.safeParse({ ...base, ...overrides });
  if (!parsed.success) throw new ConfigError(configIssues('quy tắc PAR', 'INVALID_PAR_RULES', parsed.error));
  return parsed.data;
}
