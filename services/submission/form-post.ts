/**
 * POST /f/{token}: the no-JavaScript path of the public form, the same use case as the JSON API.
 * Answers → a thank-you page (201); invalid answers → the form again with the messages (400).
 */

import { allQuestions, answersFromFormFields } from '../../shared/domain/index.ts';
import { UnsupportedMediaTypeError, ValidationError } from '../../shared/platform/errors.ts';
import type { HttpResult } from '../../shared/platform/http.ts';
import { type FormValues, messagePage } from '../../shared/ui/form-page.ts';
import { errorPage, formatTime, openForm, renderForm, uiHtml } from '../../shared/ui/form-view.ts';
import { acceptSubmission, type SubmissionDeps } from './accept-submission.ts';

export const postForm = async (
  token: string,
  contentType: string,
  rawBody: Buffer,
  deps: SubmissionDeps,
): Promise<HttpResult> => {
  try {
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      throw new UnsupportedMediaTypeError('Biểu mẫu phải được gửi dạng application/x-www-form-urlencoded.');
    }
    const form = await openForm(token, deps);
    // The domain's reading of form fields, checked by the same checkSubmission as the JSON API.
    const answers = answersFromFormFields(
      allQuestions(form.template),
      new URLSearchParams(rawBody.toString('utf8')),
    );
    try {
      const { receipt } = await acceptSubmission({ token, answers }, 'web', deps);
      // The thank-you page under the same strict CSP as every other page of the form.
      return uiHtml(
        201,
        messagePage(
          'Cảm ơn bạn!',
          `Phiếu đã được ghi nhận lúc ${formatTime(receipt.submittedAt)}. Mã biên nhận: ${receipt.receiptId}.`,
        ),
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const errors = Object.fromEntries((error.details ?? []).map((d) => [d.path ?? '', d.message]));
      return renderForm(form, { values: answers as FormValues, errors, message: error.message, status: 400 });
    }
  } catch (error) {
    return errorPage(error);
  }
};
