/**
 * PAR Index composition (Chỉ số CCHC): a tree of components with maximum points — field → criterion →
 * sub-criterion for the appraised self-assessment (lĩnh vực → tiêu chí → tiêu chí thành phần), plus the
 * survey components — and index = achieved ÷ applicable maximum × 100 (data-rules rule 16; §6.3).
 *
 * Scores are exact decimals; the index is never rounded here. A component scored `null` is not
 * applicable: its maximum leaves the denominator (e.g. no survey → the appraised score is rescaled to
 * 100, as Hà Nội does [source: ThuongGia-HN]).
 */
import { z } from 'zod';
import { Dec, type DecimalInput, HUNDRED, sum, viNumber } from './decimal.ts';
import { ConfigError, type Issue, ScoreOutOfRangeError, ScoringInputError } from './errors.ts';
import { type Grade, gradeOf } from './grade.ts';
import { configIssues, type ParRules, resolveParRules } from './par-rules.ts';
import { CODE_PATTERN } from './template.ts';

export interface ParComponent {
  code: string;
  name: string;
  maxPoints: number;
  /** Where the points come from; informative. */
  source?: 'appraised' | 'sipas' | 'survey' | 'socio-economic' | 'other';
  children?: ParComponent[];
}

export const parComponentSchema: z.ZodType<ParComponent> = z.lazy(() =>
  z.object({
    code: z.string().regex(CODE_PATTERN),
    name: z.string().min(1),
    maxPoints: z.number().positive(),
    source: z.enum(['appraised', 'sipas', 'survey', 'socio-economic', 'other']).optional(),
    children: z.array(parComponentSchema).min(1).optional(),
  }),
);

export const parIndexConfigSchema = z.object({
  id: z.string().regex(CODE_PATTERN),
  year: z.number().int().min(2000).max(2100),
  /** Assessed level: a province (national index) or units inside a province (internal index). */
  level: z.enum(['ministry', 'province', 'department', 'district', 'commune']),
  methodRef: z.string().optional(),
  declaredMaxPoints: z.number().positive(),
  components: z.array(parComponentSchema).min(1),
});
export type ParIndexConfig = z.infer<typeof parIndexConfigSchema>;

/** Validate a PAR composition: unique codes, and every set of parts adds up exactly to its declared max. */
export function parseParIndexConfig(json: unknown): ParIndexConfig {
  const parsed = parIndexConfigSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(configIssues('cấu hình chỉ số', 'SCHEMA', parsed.error));
  const config = parsed.data;
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const visit = (c: ParComponent) => {
    const where = `thành phần "${c.code}"`;
    if (seen.has(c.code)) issues.push({ where, code: 'DUPLICATE_CODE', message: `${where}: mã bị trùng` });
    seen.add(c.code);
    if (c.children !== undefined) {
      const total = sum(c.children.map((k) => new Dec(k.maxPoints)));
      if (!total.equals(new Dec(c.maxPoints))) {
        issues.push({
          where,
          code: 'WEIGHTS_MISMATCH',
          message: `${where}: tổng điểm tối đa của các thành phần con (${viNumber(total)}) khác điểm tối đa khai báo (${viNumber(c.maxPoints)})`,
        });
      }
      c.children.forEach(visit);
    }
  };
  config.components.forEach(visit);
  const total = sum(config.components.map((c) => new Dec(c.maxPoints)));
  if (!total.equals(new Dec(config.declaredMaxPoints))) {
    const where = `cấu hình chỉ số "${config.id}"`;
    issues.push({
      where,
      code: 'WEIGHTS_MISMATCH',
      message: `${where}: tổng điểm tối đa các thành phần (${viNumber(total)}) khác tổng khai báo (${viNumber(config.declaredMaxPoints)})`,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

export interface ParComponentResult {
  code: string;
  name: string;
  maxPoints: Dec;
  /** `null` when the whole component is not applicable. */
  achieved: Dec | null;
  applicableMax: Dec;
  /** achieved ÷ applicable max × 100; `null` when not applicable. */
  index: Dec | null;
  children: ParComponentResult[];
}

export interface ParResult {
  configId: string;
  achieved: Dec;
  applicableMax: Dec;
  index: Dec | null;
  grade: Grade | null;
  components: ParComponentResult[];
}

export interface ParInput {
  config: ParIndexConfig;
  /** Component code → points (or `null` = not applicable). Leaves, or a whole subtree by its code. */
  scores: Record<string, DecimalInput | null>;
  rules?: Partial<ParRules>;
}

export function scorePar(input: ParInput): ParResult {
  const config = parseParIndexConfig(input.config);
  const rules = resolveParRules(input.rules);
  const used = new Set<string>();
  const known = new Set<string>();
  const collect = (c: ParComponent) => {
    known.add(c.code);
    c.children?.forEach(collect);
  };
  config.components.forEach(collect);
  const unknown = Object.keys(input.scores).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ScoringInputError(`thành phần "${unknown[0]}" không có trong cấu hình chỉ số "${config.id}"`);
  }

  const score = (c: ParComponent): ParComponentResult => {
    const max = new Dec(c.maxPoints);
    const given = Object.hasOwn(input.scores, c.code);
    if (given) {
      used.add(c.code);
      const raw = input.scores[c.code];
      const nested = (c.children ?? []).flatMap(function codes(k): string[] {
        return [k.code, ...(k.children ?? []).flatMap(codes)];
      });
      const both = nested.find((k) => Object.hasOwn(input.scores, k));
      if (both !== undefined) {
        throw new ScoringInputError(`thành phần "${c.code}" được chấm cả tổng lẫn thành phần con "${both}"`);
      }
      if (raw === null || raw === undefined) {
        return {
          code: c.code,
          name: c.name,
          maxPoints: max,
          achieved: null,
          applicableMax: new Dec(0),
          index: null,
          children: [],
        };
      }
      const value = toDecimal(raw, c.code);
      if (value.isNegative() || value.greaterThan(max)) {
        throw new ScoreOutOfRangeError(
          c.code,
          `thành phần "${c.code}": điểm ${viNumber(value)} nằm ngoài khoảng 0–${viNumber(max)}`,
        );
      }
      return {
        code: c.code,
        name: c.name,
        maxPoints: max,
        achieved: value,
        applicableMax: max,
        index: value.dividedBy(max).times(HUNDRED),
        children: [],
      };
    }
    if (c.children === undefined) {
      if (rules.missingScore === 'error') {
        throw new ScoringInputError(`thành phần "${c.code}" chưa có điểm (ghi null nếu không áp dụng)`);
      }
      return {
        code: c.code,
        name: c.name,
        maxPoints: max,
        achieved: new Dec(0),
        applicableMax: max,
        index: new Dec(0),
        children: [],
      };
    }
    const children = c.children.map(score);
    return combine(c.code, c.name, max, children);
  };

  const components = config.components.map(score);
  const top = combine(config.id, config.id, new Dec(config.declaredMaxPoints), components);
  return {
    configId: config.id,
    achieved: top.achieved ?? new Dec(0),
    applicableMax: top.applicableMax,
    index: top.index,
    grade: top.index === null ? null : gradeOf(top.index, rules.grades),
    components,
  };
}

function combine(code: string, name: string, max: Dec, children: ParComponentResult[]): ParComponentResult {
  const applicable = children.filter((k) => k.achieved !== null);
  const applicableMax = sum(applicable.map((k) => k.applicableMax));
  const achieved = applicable.length === 0 ? null : sum(applicable.map((k) => k.achieved as Dec));
  const index =
    achieved === null || applicableMax.isZero() ? null : achieved.dividedBy(applicableMax).times(HUNDRED);
  return { code, name, maxPoints: max, achieved, applicableMax, index, children };
}

function toDecimal(raw: DecimalInput, code: string): Dec {
  try {
    const value = new Dec(raw);
    if (!value.isFinite()) throw new Error('not finite');
    return value;
  } catch {
    throw new ScoringInputError(`thành phần "${code}": điểm "${String(raw)}" không phải là số`);
  }
}
