/**
 * Strict answer validation for a submitted form (data-rules rule 17).
 *
 * - scale: a JSON integer within the template's scale (1–5); strings such as "4" are refused;
 * - single: exactly one of the option values (a string);
 * - multi: an array of distinct option values, at most `maxSelections`;
 * - text: a string, stored NFC and trimmed, at most `maxLength` characters (code points, after NFC);
 * - `null`, `undefined`, a blank text and an empty multi array mean "not answered";
 * - keys that are not question ids of the template are refused (`UNKNOWN_QUESTION`).
 * Every problem is reported, not only the first.
 */
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

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
      const text = value.normalize('NFC').trim();
      if (text === '') return { kind: 'empty' };
      const limit = q.maxLength ?? DEFAULT_TEXT_MAX_LENGTH;
      if ([...text].length > limit) return { kind: 'invalid', message: `dài quá ${limit} ký tự` };
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
