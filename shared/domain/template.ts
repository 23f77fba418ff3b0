/**
 * Questionnaire templates (phiếu điều tra / phiếu khảo sát), versioned by kind, year and version.
 *
 * A template is data: sections → questions. Satisfaction items (type `scale`) and PAR survey items
 * (questions with `maxPoints`) are *scored items* and must belong to an element (yếu tố / nội dung);
 * elements may belong to an aspect (khía cạnh). `parseTemplate` validates a template on load and names
 * the offending question, element or option in every message.
 *
 * Question ids: lower-case ASCII, `[a-z][a-z0-9_]*`, e.g. `s1_1` (element S1, item 1), `nd_1`
 * (nhận định), `mm_1` (mong đợi), `tt_gioi_tinh` (thông tin cá nhân). They are safe as HTML `name` and
 * `id` attributes, CSS selectors, CSV headers and DynamoDB attribute names, and never change within a
 * template version.
 */
import { z } from 'zod';
import { Dec, sum, viNumber } from './decimal.ts';
import { type Issue, TemplateError } from './errors.ts';

export const QUESTION_ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Default limit for free-text answers when a question declares none (characters, after NFC). */
export const DEFAULT_TEXT_MAX_LENGTH = 2000;

export const questionTypeSchema = z.enum(['scale', 'single', 'multi', 'text']);
export type QuestionType = z.infer<typeof questionTypeSchema>;

/** `official`: the item is known to be on the official form of that year (wording as published or
 *  reported); `adapted`: written by us from the element's definition and older item texts. */
export const provenanceSchema = z.enum(['official', 'adapted']);

export const optionSchema = z.object({
  value: z.string().min(1).max(64),
  label: z.string().min(1),
});

export const questionSchema = z.object({
  id: z.string().regex(QUESTION_ID_PATTERN, 'mã câu hỏi phải dạng chữ thường, số và "_" (vd. s1_1)'),
  type: questionTypeSchema,
  text: z.string().min(1),
  required: z.boolean(),
  options: z.array(optionSchema).optional(),
  elementCode: z.string().optional(),
  maxLength: z.number().int().positive().optional(),
  /** Largest number of choices for a `multi` question. */
  maxSelections: z.number().int().positive().optional(),
  /** PAR survey items: points of the item in the survey component (max). */
  maxPoints: z.number().positive().optional(),
  provenance: provenanceSchema,
  /** Source key of methodology.md §10 or seed reference, when known. */
  source: z.string().optional(),
});
export type Question = z.infer<typeof questionSchema>;

export const sectionSchema = z.object({
  id: z.string().regex(QUESTION_ID_PATTERN),
  title: z.string().min(1),
  description: z.string().optional(),
  /** The personal-information block; its answers are kept but never scored. */
  personal: z.boolean().optional(),
  questions: z.array(questionSchema).min(1),
});
export type Section = z.infer<typeof sectionSchema>;

export const elementSchema = z.object({
  code: z.string().regex(CODE_PATTERN),
  name: z.string().min(1),
  aspectCode: z.string().optional(),
});
export type TemplateElement = z.infer<typeof elementSchema>;

export const aspectSchema = z.object({
  code: z.string().regex(CODE_PATTERN),
  name: z.string().min(1),
});
export type TemplateAspect = z.infer<typeof aspectSchema>;

/** 5-level satisfaction scale; range fixed by data-rules rule 16, labels configurable (§4.2). */
export const scaleSchema = z.object({
  min: z.literal(1),
  max: z.literal(5),
  labels: z.array(z.string().min(1)).length(5),
  satisfiedLevels: z.array(z.number().int().min(1).max(5)).min(1),
});
export type SatisfactionScale = z.infer<typeof scaleSchema>;

export const templateKindSchema = z.enum(['SIPAS', 'PAR']);
export type TemplateKind = z.infer<typeof templateKindSchema>;

export const questionnaireTemplateSchema = z.object({
  id: z.string().regex(CODE_PATTERN),
  kind: templateKindSchema,
  year: z.number().int().min(2000).max(2100),
  version: z.number().int().positive(),
  title: z.string().min(1),
  /** Legal/method basis, e.g. "QĐ 1001/QĐ-BNV". */
  methodRef: z.string().optional(),
  /** Who answers (PAR: rater groups; SIPAS: citizens). */
  respondents: z.string().optional(),
  /** PAR: levels of the units being rated with this form. */
  targetLevels: z.array(z.enum(['department', 'district', 'commune'])).optional(),
  /** PAR: declared total of the items' `maxPoints`; checked exactly on load. */
  declaredMaxPoints: z.number().positive().optional(),
  scale: scaleSchema,
  aspects: z.array(aspectSchema).optional(),
  elements: z.array(elementSchema),
  sections: z.array(sectionSchema).min(1),
});
export type QuestionnaireTemplate = z.infer<typeof questionnaireTemplateSchema>;

/** A question is scored when it is a satisfaction item or carries PAR points. */
export function isScoredItem(q: Question): boolean {
  return q.type === 'scale' || q.maxPoints !== undefined;
}

export function allQuestions(template: QuestionnaireTemplate): Question[] {
  return template.sections.flatMap((s) => s.questions);
}

/** Satisfaction items (scale questions with an element), in template order. */
export function satisfactionItems(template: QuestionnaireTemplate): Question[] {
  return allQuestions(template).filter((q) => q.type === 'scale' && q.elementCode !== undefined);
}

function zodPath(template: unknown, path: ReadonlyArray<PropertyKey>): string {
  // Name the question when the problem is inside one: sections[i].questions[j] → câu hỏi "id".
  const [s, si, q, qi] = path;
  if (s === 'sections' && typeof si === 'number') {
    const section = (template as { sections?: Array<{ id?: unknown; questions?: Array<{ id?: unknown }> }> })
      .sections?.[si];
    if (q === 'questions' && typeof qi === 'number') {
      const id = section?.questions?.[qi]?.id;
      const rest = path.slice(4).join('.');
      return `câu hỏi ${typeof id === 'string' ? `"${id}"` : `thứ ${qi + 1} của phần ${si + 1}`}${rest ? ` (${rest})` : ''}`;
    }
    return `phần ${typeof section?.id === 'string' ? `"${section.id}"` : si + 1}${path.length > 2 ? ` (${path.slice(2).join('.')})` : ''}`;
  }
  return path.length > 0 ? `trường "${path.join('.')}"` : 'mẫu phiếu';
}

/** Validate a template (JSON from a file, the database or an upload). Throws `TemplateError`. */
export function parseTemplate(json: unknown): QuestionnaireTemplate {
  const parsed = questionnaireTemplateSchema.safeParse(json);
  if (!parsed.success) {
    throw new TemplateError(
      parsed.error.issues.map((i) => {
        const where = zodPath(json, i.path);
        return { where, code: 'SCHEMA', message: `${where}: ${i.message}` };
      }),
    );
  }
  const template = parsed.data;
  const issues = checkTemplate(template);
  if (issues.length > 0) throw new TemplateError(issues);
  return template;
}

function checkTemplate(t: QuestionnaireTemplate): Issue[] {
  const issues: Issue[] = [];
  const add = (where: string, code: string, message: string) =>
    issues.push({ where, code, message: `${where}: ${message}` });

  const aspectCodes = new Set<string>();
  for (const a of t.aspects ?? []) {
    if (aspectCodes.has(a.code)) add(`khía cạnh "${a.code}"`, 'DUPLICATE_CODE', 'mã bị trùng');
    aspectCodes.add(a.code);
  }
  const elementCodes = new Set<string>();
  for (const e of t.elements) {
    const where = `yếu tố "${e.code}"`;
    if (elementCodes.has(e.code)) add(where, 'DUPLICATE_CODE', 'mã bị trùng');
    elementCodes.add(e.code);
    if (e.aspectCode !== undefined && !aspectCodes.has(e.aspectCode)) {
      add(where, 'UNKNOWN_ASPECT', `khía cạnh "${e.aspectCode}" không tồn tại`);
    }
  }
  for (const level of t.scale.satisfiedLevels) {
    if (t.scale.satisfiedLevels.indexOf(level) !== t.scale.satisfiedLevels.lastIndexOf(level)) {
      add('thang đo', 'DUPLICATE_LEVEL', `mức ${level} được khai báo "hài lòng" hai lần`);
      break;
    }
  }

  const sectionIds = new Set<string>();
  const questionIds = new Set<string>();
  const itemsPerElement = new Map<string, number>();
  const points: Dec[] = [];
  for (const section of t.sections) {
    if (sectionIds.has(section.id)) add(`phần "${section.id}"`, 'DUPLICATE_SECTION', 'mã phần bị trùng');
    sectionIds.add(section.id);
    for (const q of section.questions) {
      const where = `câu hỏi "${q.id}"`;
      if (questionIds.has(q.id)) add(where, 'DUPLICATE_QUESTION', 'mã câu hỏi bị trùng');
      questionIds.add(q.id);

      const hasOptions = q.options !== undefined;
      if ((q.type === 'single' || q.type === 'multi') && (!hasOptions || q.options?.length === 0)) {
        add(where, 'MISSING_OPTIONS', 'câu hỏi lựa chọn phải có danh sách phương án');
      }
      if ((q.type === 'scale' || q.type === 'text') && hasOptions) {
        add(where, 'UNEXPECTED_OPTIONS', `câu hỏi loại "${q.type}" không dùng danh sách phương án`);
      }
      const seen = new Set<string>();
      for (const o of q.options ?? []) {
        if (seen.has(o.value)) add(where, 'DUPLICATE_OPTION', `phương án "${o.value}" bị trùng`);
        seen.add(o.value);
      }
      if (q.maxLength !== undefined && q.type !== 'text') {
        add(where, 'UNEXPECTED_MAX_LENGTH', 'chỉ câu hỏi tự luận mới có độ dài tối đa');
      }
      if (q.maxSelections !== undefined && q.type !== 'multi') {
        add(where, 'UNEXPECTED_MAX_SELECTIONS', 'chỉ câu hỏi nhiều lựa chọn mới có số lựa chọn tối đa');
      }
      if (q.maxPoints !== undefined && q.type !== 'single') {
        add(where, 'UNEXPECTED_MAX_POINTS', 'chỉ câu hỏi một lựa chọn mới được gán điểm tối đa');
      }
      if (isScoredItem(q)) {
        if (section.personal === true) {
          add(where, 'SCORED_PERSONAL', 'câu hỏi chấm điểm không được nằm trong phần thông tin cá nhân');
        }
        if (q.elementCode === undefined) {
          add(where, 'ITEM_WITHOUT_ELEMENT', 'là câu hỏi chấm điểm nhưng không thuộc yếu tố nào');
        } else if (!elementCodes.has(q.elementCode)) {
          add(where, 'UNKNOWN_ELEMENT', `yếu tố "${q.elementCode}" không tồn tại`);
        } else {
          itemsPerElement.set(q.elementCode, (itemsPerElement.get(q.elementCode) ?? 0) + 1);
        }
        if (q.maxPoints !== undefined) points.push(new Dec(q.maxPoints));
      } else if (q.elementCode !== undefined) {
        add(where, 'UNSCORED_WITH_ELEMENT', 'chỉ câu hỏi chấm điểm mới thuộc một yếu tố');
      }
    }
  }
  for (const e of t.elements) {
    if (!itemsPerElement.has(e.code)) add(`yếu tố "${e.code}"`, 'EMPTY_ELEMENT', 'không có câu hỏi nào');
  }
  if (t.declaredMaxPoints !== undefined) {
    const total = sum(points);
    if (!total.equals(new Dec(t.declaredMaxPoints))) {
      add(
        `mẫu phiếu "${t.id}"`,
        'WEIGHTS_MISMATCH',
        `tổng điểm tối đa của các câu hỏi (${viNumber(total)}) khác tổng khai báo (${viNumber(t.declaredMaxPoints)})`,
      );
    }
  } else if (points.length > 0) {
    add(`mẫu phiếu "${t.id}"`, 'MISSING_DECLARED_MAX', 'có câu hỏi gán điểm nhưng thiếu "declaredMaxPoints"');
  }
  return issues;
}
