/**
 * POST /r/{token}: the no-JavaScript path of a PAR rater form, the same use case as the JSON API
 * (rater-submission.ts). Fields `unitCode/questionId` are read per target with the domain's
 * answersFromFormFields; answers → a thank-you page (201); refused → the form again with the
 * messages next to the questions (400); a replay with a different body → the 409 page.
 */
import { allQuestions, answersFromFormFields } from '../../shared/domain/index.ts';
import { UnsupportedMediaTypeError, ValidationError } from '../../shared/platform/errors.ts';
import type { HttpResult } from '../../shared/platform/http.ts';
import { type FormValues, messagePage } from '../../shared/ui/form-page.ts';
import { errorPage, formatTime, uiHtml } from '../../shared/ui/form-view.ts';
import { openRaterForm, renderRaterForm, splitRaterField } from '../../shared/ui/rater-view.ts';
import type { ClientInfo } from './integrity.ts';
import { acceptRaterSubmission, type RaterSubmissionDeps } from './rater-submission.ts';

export const postRaterForm = async (
  token: string,
  contentType: string,
  rawBody: Buffer,
  deps: RaterSubmissionDeps,
  client?: ClientInfo,
): Promise<HttpResult> => {
  try {
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      throw new UnsupportedMediaTypeError('Biểu mẫu phải được gửi dạng application/x-www-form-urlencoded.');
    }
    const open = await openRaterForm(token, deps);
    const fields = new URLSearchParams(rawBody.toString('utf8'));
    const openedAt = fields.get('openedAt') ?? undefined;
    fields.delete('openedAt');
    // Group the fields by target; a field of no target stays top-level (refused as UNKNOWN_FIELD).
    const perTarget = new Map<string, URLSearchParams>(
      open.form.targets.map((t) => [t, new URLSearchParams()]),
    );
    const body: Record<string, unknown> = { token };
    for (const [name, value] of fields) {
      const split = splitRaterField(name);
      if (!split) {
        body[name] = value;
        continue;
      }
      const [target, questionId] = split;
      let params = perTarget.get(target);
      if (!params) {
        params = new URLSearchParams();
        perTarget.set(target, params);
      }
      params.append(questionId, value);
    }
    const questions = allQuestions(open.template);
    const targets: Record<string, FormValues> = {};
    for (const [target, params] of perTarget) targets[target] = answersFromFormFields(questions, params);
    body.targets = targets;
    if (openedAt) body.openedAt = openedAt;
    try {
      const { receipt } = await acceptRaterSubmission({ token, body, ...(client ? { client } : {}) }, deps);
      return uiHtml(
        201,
        messagePage(
          'Cảm ơn bạn!',
          `Phiếu đánh giá ${receipt.targets.length} đơn vị đã được ghi nhận lúc ${formatTime(receipt.submittedAt)}. Mã biên nhận: ${receipt.receiptId}.`,
        ),
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const errors = Object.fromEntries((error.details ?? []).map((d) => [d.path ?? '', d.message]));
      return renderRaterForm(open, {
        values: targets,
        errors,
        message: error.message,
        status: 400,
        ...(openedAt ? { openedAt } : {}),
      });
    }
  } catch (error) {
    return errorPage(error);
  }
};
