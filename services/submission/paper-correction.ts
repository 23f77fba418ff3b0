/**
 * A supervisor's correction of a stored paper form (a keying error found later, e.g. on a check of the
 * paper): the answers are replaced, never silently — each changed question becomes a `CHANGED` line of
 * the form's trail (before, after, who, when, why) and the round's audit gets ANSWER_CHANGED, in the same
 * transaction. Only paper submissions: what a respondent sent on the web is not staff's to edit.
 */
import type { z } from 'zod';
import { type Answers, type AuditEntry, changeAudit, checkAnswers } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { canonicalJson, sha256Hex } from '../../shared/platform/crypto.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/platform/errors.ts';
import type { PaperFormRecord, SubmissionsReader } from '../../shared/tables/submissions.ts';
import { answersRefusal } from './accept-submission.ts';
import { findForm, type PaperDeps, paperFormView, templateOf } from './paper-entry.ts';
import type { correctionBodySchema } from './schemas.ts';
import type { CorrectionStore } from './store.ts';

export interface CorrectionDeps extends PaperDeps {
  submissions: PaperDeps['submissions'] & Pick<SubmissionsReader, 'getByTokenHash'>;
  corrections: CorrectionStore;
}

/** POST /api/rounds/{roundId}/paper-entries/{ref}/corrections { changes, reason } (supervisor). */
export const correctPaperEntry = async (
  roundId: string,
  ref: string,
  body: z.infer<typeof correctionBodySchema>,
  principal: Principal,
  deps: CorrectionDeps,
) => {
  const at = (deps.now?.() ?? new Date()).toISOString();
  const form = await findForm(roundId, ref, deps);
  if (!canAccessUnit(principal, form.unitCode)) {
    throw new ForbiddenError('Bạn không có quyền sửa phiếu của đơn vị này.');
  }
  const stored = await deps.submissions.getByTokenHash(form.tokenHash);
  if (
    form.status !== 'stored' ||
    !stored ||
    stored.channel !== 'paper' ||
    stored.paperFormId !== form.formId
  ) {
    throw new ConflictError('NOT_STORED', 'Chỉ sửa được phiếu giấy đã lưu.');
  }
  const template = await templateOf(roundId, deps);
  const merged = new Map(Object.entries(stored.answers));
  for (const [id, value] of Object.entries(body.changes)) {
    if (value === null) merged.delete(id);
    else merged.set(id, value);
  }
  const checked = checkAnswers(template, Object.fromEntries(merged));
  if (!checked.ok) throw answersRefusal(checked.issues);
  const lines: AuditEntry[] = changeAudit(template, stored.answers as Answers, checked.answers, {
    by: principal.sub,
    at,
    reason: body.reason,
  });
  if (lines.length === 0) {
    throw new ValidationError('Không có câu trả lời nào thay đổi.', undefined, 'NO_CHANGE');
  }
  const next: PaperFormRecord = {
    ...form,
    trail: [...form.trail, ...lines],
    version: form.version + 1,
  };
  await deps.corrections.correct(
    {
      tokenHash: form.tokenHash,
      oldBodyHash: stored.bodyHash,
      answers: checked.answers,
      bodyHash: sha256Hex(canonicalJson(checked.answers)),
    },
    next,
    form.version,
    [
      {
        roundId,
        at,
        id: `${form.formId}-chg-${form.version}`,
        by: principal.sub,
        service: 'submission',
        action: 'ANSWER_CHANGED',
        target: `paper-form:${form.formId}`,
        reason: body.reason,
        details: {
          receiptId: stored.receiptId,
          changes: lines.map((l) => ({ questionId: l.questionId, before: l.before, after: l.after })),
        },
      },
    ],
  );
  return paperFormView(next, principal, template);
};
