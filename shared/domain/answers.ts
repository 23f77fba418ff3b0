/**
 * Strict answer validation for a submitted form (data-rules rule 17).
 *
 * `checkSubmission(template, body)` is the one call for the submission paths (JSON API and plain form
 * post alike): hygiene of the raw body (answer-hygiene.ts), allowed top-level fields, then every answer
 * typed against the template, with one code per problem and a Vietnamese message naming the question.
 * `validateAnswers` is the earlier answers-only check, kept with its codes for existing callers.
 *
 * - scale: a JSON integer within the template's scale (1–5); strings such as "4" are refused;
 * - single: exactly one of the option values (a string);
 * - multi: an array of distinct option values, at most `maxSelections`;
 * - text: a string, stored NFC and trimmed, at most `maxLength` characters (code points, after NFC);
 * - `null`, `undefined`, a blank text and an empty multi array mean "not answered";
 * - keys that are not question ids of the template are refused (`UNKNOWN_QUESTION`).
 * Every problem is reported, not only the first.
 */
import { z } from 'zod';
import {
  DEFAULT_MAX_DEPTH,
  entriesMap,
  inspectStructure,
  isPlainRecord,
  sanitizeText,
  textLength,
} from './answer-hygiene.ts';
import { DomainError } from './errors.ts';
import {
  allQuestions,
  DEFAULT_TEXT_MAX_LENGTH,
  type Question,
  type QuestionnaireTemplate,
} from './template.ts';

export type AnswerValue = number | string | string[];

export interface AnswerIssue {
  questionId: string | null;
  code: 'UNKNOWN_QUESTION' | 'REQUIRED' | 'INVALID_ANSWER';
  message: string;
}

export type ValidateAnswersResult =
  | { ok: true; answers: Record<string, AnswerValue> }
  | { ok: false; issues: AnswerIssue[] };

const isPlainObject = isPlainRecord;

type Checked = { kind: 'empty' } | { kind: 'ok'; value: AnswerValue } | { kind: 'invalid'; message: string };

function checkValue(q: Question, value: unknown, template: QuestionnaireTemplate): Checked {
  if (value === null || value === undefined) return { kind: 'empty' };
  switch (q.type) {
    case 'scale': {
      const { min, max } = template.scale;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return { kind: 'invalid', message: `phải là số nguyên từ ${min} đến ${max}` };
      }
      return { kind: 'ok', value };
    }
    case 'single': {
      const values = (q.options ?? []).map((o) => o.value);
      if (typeof value !== 'string' || !values.includes(value)) {
        return { kind: 'invalid', message: `phải là một trong các phương án ${values.join(', ')}` };
      }
      return { kind: 'ok', value };
    }
    case 'multi': {
      const values = (q.options ?? []).map((o) => o.value);
      if (!Array.isArray(value)) return { kind: 'invalid', message: 'phải là danh sách phương án' };
      if (value.length === 0) return { kind: 'empty' };
      const bad = value.find((v) => typeof v !== 'string' || !values.includes(v));
      if (bad !== undefined) {
        return { kind: 'invalid', message: `phương án "${String(bad)}" không có trong câu hỏi` };
      }
      if (new Set(value).size !== value.length)
        return { kind: 'invalid', message: 'có phương án bị chọn trùng' };
      if (q.maxSelections !== undefined && value.length > q.maxSelections) {
        return { kind: 'invalid', message: `chỉ được chọn tối đa ${q.maxSelections} phương án` };
      }
      return { kind: 'ok', value: [...(value as string[])] };
    }
    case 'text': {
      if (typeof value !== 'string') return { kind: 'invalid', message: 'phải là văn bản' };
      const text = sanitizeText(value);
      if (text === '') return { kind: 'empty' };
      const limit = q.maxLength ?? DEFAULT_TEXT_MAX_LENGTH;
      if (textLength(text) > limit) return { kind: 'invalid', message: `dài quá ${limit} ký tự` };
      return { kind: 'ok', value: text };
    }
  }
}

export function validateAnswers(template: QuestionnaireTemplate, answers: unknown): ValidateAnswersResult {
  if (!isPlainObject(answers)) {
    return {
      ok: false,
      issues: [
        { questionId: null, code: 'INVALID_ANSWER', message: 'câu trả lời phải là một đối tượng JSON' },
      ],
    };
  }
  const questions = new Map(allQuestions(template).map((q) => [q.id, q]));
  const issues: AnswerIssue[] = [];
  for (const key of Object.keys(answers)) {
    if (!questions.has(key)) {
      issues.push({
        questionId: key,
        code: 'UNKNOWN_QUESTION',
        message: `câu hỏi "${key}" không có trong mẫu phiếu`,
      });
    }
  }
  const out: Record<string, AnswerValue> = {};
  for (const [id, q] of questions) {
    const checked = checkValue(q, Object.hasOwn(answers, id) ? answers[id] : undefined, template);
    if (checked.kind === 'invalid') {
      issues.push({ questionId: id, code: 'INVALID_ANSWER', message: `câu hỏi "${id}": ${checked.message}` });
    } else if (checked.kind === 'empty') {
      if (q.required) {
        issues.push({ questionId: id, code: 'REQUIRED', message: `câu hỏi "${id}": bắt buộc trả lời` });
      }
    } else {
      out[id] = checked.value;
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, answers: out };
}

// ---------------------------------------------------------------------------------------------------
// checkSubmission: the one call for the submission paths.

export type Answers = Record<string, AnswerValue>;

export type SubmissionIssueCode =
  | 'INVALID_BODY'
  | 'FORBIDDEN_KEY'
  | 'TOO_DEEP'
  | 'UNKNOWN_FIELD'
  | 'UNKNOWN_QUESTION'
  | 'INVALID_SCALE'
  | 'INVALID_OPTION'
  | 'INVALID_MULTI'
  | 'INVALID_TEXT'
  | 'TOO_LONG'
  | 'REQUIRED'
  | 'TOO_MANY_ISSUES'
  // double entry (double-entry.ts)
  | 'MISSING_RESOLUTION'
  | 'NOT_A_MISMATCH';

export interface SubmissionIssue {
  /** The question id for a problem with one question (so the form can mark that question); otherwise
   *  where in the body, e.g. `answers.zz` or `extra`. */
  path: string;
  /** Set when the problem concerns a question of the template. */
  questionId?: string;
  code: SubmissionIssueCode;
  message: string;
}

export type CheckSubmissionResult = { ok: true; answers: Answers } | { ok: false; issues: SubmissionIssue[] };

export const submissionCheckOptionsSchema = z.strictObject({
  /** Every top-level field the body may carry (the answers field is always allowed). */
  allowedFields: z.array(z.string().min(1)).default(['token', 'answers']),
  /** Field that holds the answers; `null` when the body is the answers map itself (a form post). */
  answersField: z.string().min(1).nullable().default('answers'),
  maxDepth: z.number().int().min(2).max(16).default(DEFAULT_MAX_DEPTH),
  /** The list stops here (a 64 KB body could otherwise produce thousands of issues). */
  maxIssues: z.number().int().min(1).default(100),
});
export type SubmissionCheckOptions = z.input<typeof submissionCheckOptionsSchema>;
const DEFAULT_CHECK_OPTIONS = submissionCheckOptionsSchema.parse({});

/** Answers that failed the check, for callers that need an exception (e.g. resolving double entry). */
export class AnswerIssuesError extends DomainError {
  readonly code = 'INVALID_ANSWERS';
  constructor(readonly issues: SubmissionIssue[]) {
    super(issues.map((i) => i.message).join(' '));
  }
}

const clip = (value: string, max: number): string => {
  const chars = [...value];
  if (chars.length <= max) return value;
  const cut = chars.slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
};

const numbers = new WeakMap<QuestionnaireTemplate, Map<string, string>>();

/**
 * The number a respondent reads for a question: `s1_2` → "S1.2", `lv3_1` → "LV3.1" (element code and
 * item); other ids (e.g. `tt_gioi_tinh`) → their position in the form, "23". The form renderer shows
 * the same number, so a message and the page agree.
 */
export function questionNumber(template: QuestionnaireTemplate, questionId: string): string {
  let map = numbers.get(template);
  if (!map) {
    map = new Map(
      allQuestions(template).map((q, i) => {
        const m = /^([a-z]+)([0-9]+)_([0-9]+)$/.exec(q.id);
        return [q.id, m ? `${m[1]!.toUpperCase()}${m[2]}.${m[3]}` : String(i + 1)];
      }),
    );
    numbers.set(template, map);
  }
  return map.get(questionId) ?? questionId;
}

/** `Câu S1.2 "Nơi tiếp nhận … có đủ chỗ ngồi…"` — how every message names its question. */
export function questionLabel(template: QuestionnaireTemplate, q: Question): string {
  return `Câu ${questionNumber(template, q.id)} "${clip(q.text, 60)}"`;
}

const shown = (value: unknown): string =>
  clip(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)), 40);

type Typed =
  | { kind: 'empty' }
  | { kind: 'ok'; value: AnswerValue }
  | { kind: 'bad'; code: SubmissionIssueCode; why: string };

function typeAnswer(template: QuestionnaireTemplate, q: Question, value: unknown): Typed {
  if (value === null || value === undefined) return { kind: 'empty' };
  switch (q.type) {
    case 'scale': {
      const { min, max } = template.scale;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return { kind: 'bad', code: 'INVALID_SCALE', why: `chỉ chọn một mức từ ${min} đến ${max}.` };
      }
      return { kind: 'ok', value };
    }
    case 'single': {
      const values = (q.options ?? []).map((o) => o.value);
      if (typeof value !== 'string' || !values.includes(value)) {
        return {
          kind: 'bad',
          code: 'INVALID_OPTION',
          why: `chỉ chọn một trong các phương án đã cho (${values.join(', ')}).`,
        };
      }
      return { kind: 'ok', value };
    }
    case 'multi': {
      const values = new Set((q.options ?? []).map((o) => o.value));
      if (!Array.isArray(value)) {
        return {
          kind: 'bad',
          code: 'INVALID_MULTI',
          why: 'câu nhiều lựa chọn phải gửi danh sách các phương án.',
        };
      }
      if (value.length === 0) return { kind: 'empty' };
      const seen = new Set<string>();
      for (const v of value) {
        if (typeof v !== 'string' || !values.has(v)) {
          return {
            kind: 'bad',
            code: 'INVALID_OPTION',
            why: `phương án "${shown(v)}" không có trong câu hỏi.`,
          };
        }
        if (seen.has(v))
          return { kind: 'bad', code: 'INVALID_MULTI', why: `phương án "${v}" được chọn hai lần.` };
        seen.add(v);
      }
      if (q.maxSelections !== undefined && value.length > q.maxSelections) {
        return {
          kind: 'bad',
          code: 'INVALID_MULTI',
          why: `chỉ được chọn tối đa ${q.maxSelections} phương án.`,
        };
      }
      return { kind: 'ok', value: [...(value as string[])] };
    }
    case 'text': {
      if (typeof value !== 'string') {
        return { kind: 'bad', code: 'INVALID_TEXT', why: 'câu trả lời phải là văn bản.' };
      }
      const text = sanitizeText(value);
      if (text === '') return { kind: 'empty' };
      const limit = q.maxLength ?? DEFAULT_TEXT_MAX_LENGTH;
      const length = textLength(text);
      if (length > limit) {
        return {
          kind: 'bad',
          code: 'TOO_LONG',
          why: `câu trả lời dài ${length} ký tự, tối đa ${limit} ký tự.`,
        };
      }
      return { kind: 'ok', value: text };
    }
  }
}

/**
 * Check a raw submission body (data-rules rule 17) and return the answers to store, or every problem.
 * `body` is the parsed JSON exactly as received (before any zod parse: zod's record parser assigns
 * keys one by one, and `__proto__` must be seen, not swallowed), or `answersFromFormFields(...)` of a
 * form post with `{ answersField: null }`.
 *
 * Structural problems (not an object, forbidden keys, too deep) are reported alone: nothing else of
 * such a body is worth reading. Otherwise unknown fields, unknown questions, typed answers and
 * required questions are all reported, one issue per question, in template order.
 */
export function checkSubmission(
  template: QuestionnaireTemplate,
  body: unknown,
  options: SubmissionCheckOptions = {},
): CheckSubmissionResult {
  // The submission path calls this per request: skip the options parse in the usual case.
  const opts =
    Object.keys(options).length === 0 ? DEFAULT_CHECK_OPTIONS : submissionCheckOptionsSchema.parse(options);
  const questions = new Map(allQuestions(template).map((q) => [q.id, q]));
  const answersPrefix = opts.answersField === null ? '' : `${opts.answersField}.`;
  const done = (issues: SubmissionIssue[]): CheckSubmissionResult => {
    if (issues.length <= opts.maxIssues) return { ok: false, issues };
    const rest = issues.length - opts.maxIssues;
    return {
      ok: false,
      issues: [
        ...issues.slice(0, opts.maxIssues),
        { path: '', code: 'TOO_MANY_ISSUES', message: `Còn ${rest} lỗi khác không liệt kê.` },
      ],
    };
  };

  if (!isPlainRecord(body)) {
    return done([
      { path: '', code: 'INVALID_BODY', message: 'Nội dung gửi lên phải là một đối tượng JSON.' },
    ]);
  }

  // Which question a body path belongs to, if any: "answers.s1_2[0]" → s1_2.
  const questionAt = (path: string): Question | undefined => {
    if (!path.startsWith(answersPrefix)) return undefined;
    const id = /^[^.[]+/.exec(path.slice(answersPrefix.length))?.[0];
    return id === undefined ? undefined : questions.get(id);
  };
  const structural = inspectStructure(body, opts.maxDepth);
  if (structural.length > 0) {
    return done(
      structural.map((s): SubmissionIssue => {
        const q = questionAt(s.path);
        const where = clip(s.path, 80);
        if (s.code === 'FORBIDDEN_KEY') {
          const message = q
            ? `${questionLabel(template, q)}: khóa "${s.key}" không được phép trong dữ liệu gửi lên.`
            : `Khóa "${s.key}" (tại "${where}") không được phép trong dữ liệu gửi lên.`;
          return q
            ? { path: q.id, questionId: q.id, code: 'FORBIDDEN_KEY', message }
            : { path: s.path, code: 'FORBIDDEN_KEY', message };
        }
        return q
          ? {
              path: q.id,
              questionId: q.id,
              code: 'TOO_DEEP',
              message: `${questionLabel(template, q)}: câu trả lời lồng nhau quá sâu (tối đa ${opts.maxDepth} cấp).`,
            }
          : {
              path: s.path,
              code: 'TOO_DEEP',
              message: `Dữ liệu gửi lên lồng nhau quá sâu (tối đa ${opts.maxDepth} cấp) tại "${where}".`,
            };
      }),
    );
  }

  const issues: SubmissionIssue[] = [];
  let answers: Map<string, unknown>;
  if (opts.answersField === null) {
    const allowed = new Set(opts.allowedFields);
    answers = new Map([...entriesMap(body)].filter(([k]) => questions.has(k) || !allowed.has(k)));
  } else {
    const top = entriesMap(body);
    const allowed = new Set([...opts.allowedFields, opts.answersField]);
    const list = [...allowed].join(', ');
    for (const key of top.keys()) {
      if (!allowed.has(key)) {
        issues.push({
          path: key,
          code: 'UNKNOWN_FIELD',
          message: `Trường "${clip(key, 64)}" không được chấp nhận; chỉ nhận: ${list}.`,
        });
      }
    }
    const raw = top.get(opts.answersField);
    if (!isPlainRecord(raw)) {
      issues.push({
        path: opts.answersField,
        code: 'INVALID_BODY',
        message: `Trường "${opts.answersField}" phải là một đối tượng JSON (mã câu hỏi → câu trả lời).`,
      });
      return done(issues);
    }
    answers = entriesMap(raw);
  }

  for (const key of answers.keys()) {
    if (!questions.has(key)) {
      issues.push({
        path: `${answersPrefix}${key}`,
        code: 'UNKNOWN_QUESTION',
        message: `Mẫu phiếu không có câu hỏi mã "${clip(key, 64)}".`,
      });
    }
  }
  const out: Array<[string, AnswerValue]> = [];
  for (const [id, q] of questions) {
    const typed = typeAnswer(template, q, answers.get(id));
    if (typed.kind === 'bad') {
      issues.push({
        path: id,
        questionId: id,
        code: typed.code,
        message: `${questionLabel(template, q)}: ${typed.why}`,
      });
    } else if (typed.kind === 'empty') {
      if (q.required) {
        issues.push({
          path: id,
          questionId: id,
          code: 'REQUIRED',
          message: `${questionLabel(template, q)}: bắt buộc trả lời.`,
        });
      }
    } else {
      out.push([id, typed.value]);
    }
  }
  // Object.fromEntries defines own properties; keys are template ids only.
  return issues.length > 0 ? done(issues) : { ok: true, answers: Object.fromEntries(out) };
}

/** The same checks on an answers map alone (paper entry, double-entry resolution). */
export function checkAnswers(template: QuestionnaireTemplate, answers: unknown): CheckSubmissionResult {
  return checkSubmission(template, answers, { answersField: null, allowedFields: [] });
}
