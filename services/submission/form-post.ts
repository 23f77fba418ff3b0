/**
 * POST /f/{token}: the no-JavaScript path of the public form, the same use case as the JSON API.
 * Answers → a thank-you page (201); invalid answers → the form again with the messages (400).
 * The form's hidden `openedAt` (integrity fact) and `otpProof` (one-time code) are not answers.
 */

import { allQuestions, answersFromFormFields } from '../../shared/domain/index.ts';
import { AppError, UnsupportedMediaTypeError, ValidationError } from '../../shared/platform/errors.ts';
import type { HttpResult } from '../../shared/platform/http.ts';
import { type FormValues, messagePage } from '../../shared/ui/form-page.ts';
import { errorPage, formatTime, openForm, renderForm, uiHtml } from '../../shared/ui/form-view.ts';
import { otpStartPage } from '../../shared/ui/otp-page.ts';
import { acceptSubmission, type SubmissionDeps } from './accept-submission.ts';
import type { ClientInfo } from './integrity.ts';

const NOT_ANSWERS = ['openedAt', 'otpProof'] as const;

export const postForm = async (
  token: string,
  contentType: string,
  rawBody: Buffer,
  deps: SubmissionDeps,
  client?: ClientInfo,
): Promise<HttpResult> => {
  try {
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      throw new UnsupportedMediaTypeError('Biểu mẫu phải được gửi dạng application/x-www-form-urlencoded.');
    }
    const form = await openForm(token, deps);
    const fields = new URLSearchParams(rawBody.toString('utf8'));
    const [openedAt, otpProof] = NOT_ANSWERS.map((k) => fields.get(k) ?? undefined);
    for (const k of NOT_ANSWERS) fields.delete(k);
    // The domain's reading of form fields, checked by the same checkSubmission as the JSON API.
    const answers = answersFromFormFields(allQuestions(form.template), fields);
    try {
      const { receipt } = await acceptSubmission(
        { token, answers, openedAt, otpProof, ...(client ? { client } : {}) },
        'web',
        deps,
      );
      // The thank-you page under the same strict CSP as every other page of the form.
      return uiHtml(
        201,
        messagePage(
          'Cảm ơn bạn!',
          `Phiếu đã được ghi nhận lúc ${formatTime(receipt.submittedAt)}. Mã biên nhận: ${receipt.receiptId}.`,
        ),
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'OTP_REQUIRED') {
        return uiHtml(403, otpStartPage({ token, roundName: form.round.name, error: error.message }), [], {
          'x-error-code': error.code,
        });
      }
      if (!(error instanceof ValidationError)) throw error;
      const errors = Object.fromEntries((error.details ?? []).map((d) => [d.path ?? '', d.message]));
      return renderForm(form, {
        values: answers as FormValues,
        errors,
        message: error.message,
        status: 400,
        ...(otpProof ? { otpProof } : {}),
        ...(openedAt ? { openedAt } : {}),
      });
    }
  } catch (error) {
    return errorPage(error);
  }
};
