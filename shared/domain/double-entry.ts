/**
 * Double entry of paper forms (nhập liệu hai lần, as CSPro does): two operators key the same returned
 * form blind; the entries are compared question by question; a supervisor resolves each mismatch.
 *
 * Comparison is on checked answers (`checkAnswers`), so text is already NFC and trimmed and compared
 * exactly; a multi-choice answer is compared as a set (the order ticks are read in is not data);
 * "not answered" on one side and an answer on the other is a mismatch.
 */
import { z } from 'zod';
import { AnswerIssuesError, type Answers, type AnswerValue, checkAnswers, questionLabel } from './answers.ts';
import { allQuestions, type QuestionnaireTemplate } from './template.ts';

export interface EntryMismatch {
  questionId: string;
  /** `null`: not answered in that entry. */
  first: AnswerValue | null;
  second: AnswerValue | null;
}

export interface EntryComparison {
  match: boolean;
  mismatches: EntryMismatch[];
}

const canonical = (value: AnswerValue | undefined): string => {
  if (value === undefined) return 'null';
  return JSON.stringify(Array.isArray(value) ? [...value].sort() : value);
};

const own = (answers: Answers, id: string): AnswerValue | undefined =>
  Object.hasOwn(answers, id) ? answers[id] : undefined;

/** Compare two entries of one form, in template order. Keys that are not questions are not compared. */
export function compareEntries(
  template: QuestionnaireTemplate,
  first: Answers,
  second: Answers,
): EntryComparison {
  const mismatches: EntryMismatch[] = [];
  for (const q of allQuestions(template)) {
    const a = own(first, q.id);
    const b = own(second, q.id);
    if (canonical(a) !== canonical(b))
      mismatches.push({ questionId: q.id, first: a ?? null, second: b ?? null });
  }
  return { match: mismatches.length === 0, mismatches };
}

/**
 * The supervisor's resolution → the answers to store. Every mismatch needs a decision (`null` = not
 * answered); a decision for a question that did not differ is refused (changing an agreed answer is a
 * `CHANGED` audit action with a reason, not a resolution). The result is checked like any submission.
 * Throws `AnswerIssuesError` (codes `MISSING_RESOLUTION`, `NOT_A_MISMATCH` or a `checkAnswers` code).
 */
export function resolveEntry(
  template: QuestionnaireTemplate,
  first: Answers,
  second: Answers,
  resolution: Record<string, AnswerValue | null>,
): Answers {
  const { mismatches } = compareEntries(template, first, second);
  const byId = new Map(allQuestions(template).map((q) => [q.id, q]));
  const decided = new Map(Object.keys(resolution).map((k) => [k, resolution[k]]));
  const open = new Set(mismatches.map((m) => m.questionId));
  const issues: AnswerIssuesError['issues'] = [];
  for (const m of mismatches) {
    if (!decided.has(m.questionId)) {
      issues.push({
        path: m.questionId,
        questionId: m.questionId,
        code: 'MISSING_RESOLUTION',
        message: `${questionLabel(template, byId.get(m.questionId)!)}: hai lần nhập khác nhau, cần chọn giá trị đúng.`,
      });
    }
  }
  for (const id of decided.keys()) {
    if (open.has(id)) continue;
    const q = byId.get(id);
    issues.push({
      path: id,
      ...(q ? { questionId: id } : {}),
      code: 'NOT_A_MISMATCH',
      message: q
        ? `${questionLabel(template, q)}: hai lần nhập đã khớp, không cần phân xử.`
        : `Mẫu phiếu không có câu hỏi mã "${id.slice(0, 64)}".`,
    });
  }
  if (issues.length > 0) throw new AnswerIssuesError(issues);
  const merged = new Map(Object.keys(first).map((k) => [k, first[k] as AnswerValue | null]));
  for (const [id, value] of decided) merged.set(id, value ?? null);
  const checked = checkAnswers(template, Object.fromEntries(merged));
  if (!checked.ok) throw new AnswerIssuesError(checked.issues);
  return checked.answers;
}

// ---------------------------------------------------------------------------------------------------
// Audit trail of keyed and changed answers.

export const auditActionSchema = z.enum(['KEYED_FIRST', 'KEYED_SECOND', 'RESOLVED', 'CHANGED']);
export type AuditAction = z.infer<typeof auditActionSchema>;

const answerValueSchema = z.union([z.number().int(), z.string(), z.array(z.string())]).nullable();

/**
 * One line of a form's audit trail. `by` is an operator id (never a name); `before`/`after` are the
 * stored answer values (`null` = not answered). A resolution or a change names its question; a change
 * of a stored answer carries its reason.
 */
export const auditEntrySchema = z
  .strictObject({
    at: z.iso.datetime({ offset: true }),
    by: z.string().min(1).max(128),
    action: auditActionSchema,
    questionId: z.string().min(1).max(64).optional(),
    before: answerValueSchema.optional(),
    after: answerValueSchema.optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.action === 'RESOLVED' || e.action === 'CHANGED') && e.questionId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['questionId'],
        message: `thao tác ${e.action} phải nêu câu hỏi`,
      });
    }
    if (e.action === 'CHANGED' && e.reason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'sửa câu trả lời đã lưu phải nêu lý do' });
    }
    if ((e.action === 'KEYED_FIRST' || e.action === 'KEYED_SECOND') && e.questionId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['questionId'],
        message: 'thao tác nhập phiếu áp dụng cho cả phiếu',
      });
    }
  });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Audit lines for a resolution: one `RESOLVED` per mismatch, `before` = first entry's value. */
export function resolutionAudit(
  comparison: EntryComparison,
  resolved: Answers,
  actor: { by: string; at: string },
): AuditEntry[] {
  return comparison.mismatches.map((m) =>
    auditEntrySchema.parse({
      at: actor.at,
      by: actor.by,
      action: 'RESOLVED',
      questionId: m.questionId,
      before: m.first,
      after: Object.hasOwn(resolved, m.questionId) ? resolved[m.questionId] : null,
    }),
  );
}

/** Audit lines for a change of stored answers: one `CHANGED` per question whose value differs. */
export function changeAudit(
  template: QuestionnaireTemplate,
  before: Answers,
  after: Answers,
  actor: { by: string; at: string; reason: string },
): AuditEntry[] {
  return compareEntries(template, before, after).mismatches.map((m) =>
    auditEntrySchema.parse({
      at: actor.at,
      by: actor.by,
      action: 'CHANGED',
      questionId: m.questionId,
      before: m.first,
      after: m.second,
      reason: actor.reason,
    }),
  );
}
