/**
 * The year's PAR Index criteria tree as versioned configuration (QĐ 876/QĐ-BNV style; methodology.md
 * §6.3–6.5): fields → criteria → sub-criteria (lĩnh vực → tiêu chí → tiêu chí thành phần), each with its
 * maximum points, how it is evaluated, whether evidence is required and whether it applies this year.
 *
 * Evaluation methods:
 * - `appraisal`: the unit's focal point self-assesses, the Sở Nội vụ appraises (par-assessment.ts);
 * - `survey`: points from the rater survey (par-survey.ts option weights), optionally limited to some
 *   elements of the rater template;
 * - `formula`: points computed elsewhere from data (e.g. SIPAS % → points, on-time dossier rate).
 *
 * Validation reuses `parseParIndexConfig`: unique codes, and the maxima of every node's children add up
 * exactly to its maximum, the fields to `declaredMaxPoints`.
 */
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { PROVINCE_INTERNAL_PAR_2024 } from './par-configs.ts';
import { type ParComponent, type ParIndexConfig, parseParIndexConfig } from './par-index.ts';
import { configIssues } from './par-rules.ts';
import { CODE_PATTERN } from './template.ts';

export const evaluationMethodSchema = z.enum(['appraisal', 'survey', 'formula']);
export type EvaluationMethod = z.infer<typeof evaluationMethodSchema>;

export interface CriterionNode {
  code: string;
  title: string;
  maxPoints: number;
  method: EvaluationMethod;
  evidenceRequired: boolean;
  /** `false`: not applicable in this config (its maximum leaves the denominator for every unit). */
  applicable: boolean;
  /** `survey` leaves: elements of the rater template that feed it; absent = the whole survey. */
  surveyElements?: string[];
  children?: CriterionNode[];
}

export const criterionNodeSchema: z.ZodType<CriterionNode> = z.lazy(() =>
  z
    .object({
      code: z.string().regex(CODE_PATTERN),
      title: z.string().min(1),
      maxPoints: z.number().positive(),
      method: evaluationMethodSchema,
      evidenceRequired: z.boolean(),
      applicable: z.boolean(),
      surveyElements: z.array(z.string().min(1)).min(1).optional(),
      children: z.array(criterionNodeSchema).min(1).optional(),
    })
    .strict(),
);

export const parCriteriaConfigSchema = z
  .object({
    id: z.string().regex(CODE_PATTERN),
    /** Bumped on every change; results record the version they were computed with. */
    version: z.number().int().positive(),
    year: z.number().int().min(2000).max(2100),
    level: z.enum(['ministry', 'province', 'department', 'district', 'commune']),
    title: z.string().min(1),
    methodRef: z.string().optional(),
    /** Rater-survey template whose results feed the `survey` criteria. */
    surveyTemplateId: z.string().optional(),
    declaredMaxPoints: z.number().positive(),
    fields: z.array(criterionNodeSchema).min(1),
  })
  .strict();
export type ParCriteriaConfig = z.infer<typeof parCriteriaConfigSchema>;

/** Field → criterion → sub-criterion: at most three levels. */
export const MAX_CRITERIA_DEPTH = 3;

/** Validate a criteria tree; throws `ConfigError` listing every problem with its code. */
export function parseParCriteriaConfig(json: unknown): ParCriteriaConfig {
  const parsed = parCriteriaConfigSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(configIssues('bộ tiêu chí', 'SCHEMA', parsed.error));
  const config = parsed.data;
  const issues: ConfigError['issues'] = [];
  const visit = (node: CriterionNode, depth: number) => {
    const where = `tiêu chí "${node.code}"`;
    if (depth > MAX_CRITERIA_DEPTH) {
      issues.push({ where, code: 'TOO_DEEP', message: `${where}: quá ${MAX_CRITERIA_DEPTH} cấp` });
    }
    if (node.surveyElements !== undefined && (node.method !== 'survey' || node.children !== undefined)) {
      issues.push({
        where,
        code: 'UNEXPECTED_SURVEY_ELEMENTS',
        message: `${where}: chỉ tiêu chí lá chấm bằng điều tra xã hội học mới khai báo yếu tố khảo sát`,
      });
    }
    for (const c of node.children ?? []) visit(c, depth + 1);
  };
  for (const f of config.fields) visit(f, 1);
  if (issues.length > 0) throw new ConfigError(issues);
  parseParIndexConfig(toParIndexConfig(config));
  return config;
}

/** The tree as a `ParIndexConfig`, so composition and range checks are those of `scorePar`. */
export function toParIndexConfig(config: ParCriteriaConfig): ParIndexConfig {
  const source = { appraisal: 'appraised', survey: 'survey', formula: 'other' } as const;
  const convert = (n: CriterionNode): ParComponent => ({
    code: n.code,
    name: n.title,
    maxPoints: n.maxPoints,
    source: source[n.method],
    ...(n.children === undefined ? {} : { children: n.children.map(convert) }),
  });
  return {
    id: config.id,
    year: config.year,
    level: config.level,
    ...(config.methodRef === undefined ? {} : { methodRef: config.methodRef }),
    declaredMaxPoints: config.declaredMaxPoints,
    components: config.fields.map(convert),
  };
}

/** Leaves of the tree (where points are given), with the field they belong to, in tree order. */
export function criteriaLeaves(config: ParCriteriaConfig): Array<CriterionNode & { fieldCode: string }> {
  const out: Array<CriterionNode & { fieldCode: string }> = [];
  const walk = (n: CriterionNode, fieldCode: string, applicable: boolean) => {
    const here = applicable && n.applicable;
    if (n.children === undefined) out.push({ ...n, applicable: here, fieldCode });
    else for (const c of n.children) walk(c, fieldCode, here);
  };
  for (const f of config.fields) walk(f, f.code, true);
  return out;
}

const appraised = (
  code: string,
  title: string,
  maxPoints: number,
  children?: CriterionNode[],
  evidenceRequired = true,
): CriterionNode => ({
  code,
  title,
  maxPoints,
  method: 'appraisal',
  evidenceRequired,
  applicable: true,
  ...(children === undefined ? {} : { children }),
});
const formula = (code: string, title: string, maxPoints: number): CriterionNode => ({
  code,
  title,
  maxPoints,
  method: 'formula',
  evidenceRequired: false,
  applicable: true,
});

/** Criteria of each appraised field [assumption — titles after QĐ 876's field contents; points ours]. */
const FIELD_CRITERIA: Record<string, CriterionNode[]> = {
  LV1: [
    appraised('1.1', 'Kế hoạch cải cách hành chính năm', 3, [
      appraised('1.1.1', 'Ban hành kế hoạch kịp thời, đúng yêu cầu', 1),
      appraised('1.1.2', 'Mức độ thực hiện kế hoạch', 2),
    ]),
    appraised('1.2', 'Báo cáo cải cách hành chính định kỳ', 1),
    appraised('1.3', 'Kiểm tra công tác cải cách hành chính', 2),
    appraised('1.4', 'Tuyên truyền cải cách hành chính', 2),
    appraised('1.5', 'Sáng kiến, giải pháp mới trong cải cách hành chính', 2),
  ],
  LV2: [
    appraised('2.1', 'Tham mưu xây dựng văn bản quy phạm pháp luật', 3),
    appraised('2.2', 'Rà soát, hệ thống hóa văn bản quy phạm pháp luật', 3, [
      appraised('2.2.1', 'Ban hành kế hoạch rà soát', 1),
      appraised('2.2.2', 'Xử lý kết quả rà soát', 2),
    ]),
    appraised('2.3', 'Theo dõi thi hành pháp luật', 2),
  ],
  LV3: [
    appraised('3.1', 'Công khai thủ tục hành chính', 3),
    appraised('3.2', 'Giải quyết thủ tục hành chính tại Bộ phận Một cửa', 5, [
      formula('3.2.1', 'Tỷ lệ hồ sơ giải quyết đúng hạn', 3),
      appraised('3.2.2', 'Xin lỗi tổ chức, cá nhân khi giải quyết trễ hạn', 2),
    ]),
    appraised('3.3', 'Tiếp nhận, xử lý phản ánh, kiến nghị', 3),
    appraised('3.4', 'Rà soát, đơn giản hóa thủ tục hành chính', 3),
  ],
  LV4: [
    appraised('4.1', 'Sắp xếp, kiện toàn tổ chức bộ máy', 4),
    appraised('4.2', 'Quản lý, sử dụng biên chế', 4),
  ],
  LV5: [
    appraised('5.1', 'Vị trí việc làm và cơ cấu ngạch công chức', 3),
    appraised('5.2', 'Tuyển dụng, sử dụng công chức, viên chức', 3),
    appraised('5.3', 'Kỷ luật, kỷ cương hành chính', 4, [
      appraised('5.3.1', 'Không có cán bộ, công chức bị kỷ luật', 2, undefined, false),
      appraised('5.3.2', 'Kiểm tra công vụ', 2),
    ]),
  ],
  LV6: [
    appraised('6.1', 'Quản lý, sử dụng tài chính, tài sản công', 4),
    appraised('6.2', 'Cơ chế tự chủ của đơn vị sự nghiệp công lập', 4),
  ],
  LV7: [
    appraised('7.1', 'Ứng dụng công nghệ thông tin trong hoạt động nội bộ', 4),
    appraised('7.2', 'Dịch vụ công trực tuyến', 5, [
      formula('7.2.1', 'Tỷ lệ hồ sơ trực tuyến toàn trình', 3),
      formula('7.2.2', 'Tỷ lệ thanh toán trực tuyến', 2),
    ]),
    appraised('7.3', 'Chuyển đổi số', 3),
  ],
};

/** Survey points per element of `par-province-2024-v1` (2 points per item). */
const SURVEY_ELEMENT_POINTS: Record<string, number> = {
  LV1: 4,
  LV2: 4,
  LV3: 6,
  LV4: 4,
  LV5: 4,
  LV6: 4,
  LV7: 4,
};

function internalCriteria2024(): ParCriteriaConfig {
  const base = PROVINCE_INTERNAL_PAR_2024;
  const appraisedBlock = base.components.find((c) => c.code === 'THAM_DINH')!;
  const survey = base.components.find((c) => c.code === 'DTXHH')!;
  return parseParCriteriaConfig({
    id: 'par-internal-criteria-2024',
    version: 1,
    year: base.year,
    level: base.level,
    title: 'Bộ tiêu chí xác định Chỉ số cải cách hành chính của các sở, ban, ngành và UBND cấp xã năm 2024',
    methodRef: 'QĐ 876/QĐ-BNV ngày 10/11/2022 (tham chiếu); kế hoạch của UBND tỉnh',
    surveyTemplateId: 'par-province-2024-v1',
    declaredMaxPoints: base.declaredMaxPoints,
    fields: [
      ...(appraisedBlock.children ?? []).map((f) => ({
        code: f.code,
        title: f.name,
        maxPoints: f.maxPoints,
        method: 'appraisal' as const,
        evidenceRequired: true,
        applicable: true,
        children: FIELD_CRITERIA[f.code],
      })),
      {
        code: survey.code,
        title: survey.name,
        maxPoints: survey.maxPoints,
        method: 'survey' as const,
        evidenceRequired: false,
        applicable: true,
        children: Object.entries(SURVEY_ELEMENT_POINTS).map(([element, points]) => ({
          code: `DT.${element}`,
          title: `Đánh giá của người khảo sát về lĩnh vực ${element}`,
          maxPoints: points,
          method: 'survey' as const,
          evidenceRequired: false,
          applicable: true,
          surveyElements: [element],
        })),
      },
    ],
  });
}

/**
 * Default criteria tree of a provincial internal index, 2024 [assumption — configurable]: the seven
 * appraised fields and maxima of `PROVINCE_INTERNAL_PAR_2024` (70 points) split into criteria and
 * sub-criteria, and its 30-point survey split by the rater template's elements.
 */
export const PROVINCE_INTERNAL_CRITERIA_2024: ParCriteriaConfig = internalCriteria2024();
