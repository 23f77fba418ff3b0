import { getTemplate } from '../../shared/domain/index.ts';
import { AppError, UnsupportedMediaTypeError, ValidationError } from '../../shared/platform/errors.ts';
import { type HttpResult, html } from '../../shared/platform/http.ts';
import { loadRound } from '../rounds/load-round.ts';
import type { SampleStore } from '../sampling/store.ts';
import { acceptSubmission, resolveToken } from '../submission/accept-submission.ts';
import type { SubmissionStore } from '../submission/store.ts';
import { answersFromForm, ENHANCER, type FormValues, formPage, messagePage } from './render.ts';

export interface WebDeps {
  samples: SampleStore;
  submissions: SubmissionStore;
}

const formatTime = (iso: string): string =>
  new Date(iso).toLocaleString('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'short',
  });

/** Any error → a Vietnamese page with the right status (never a stack trace). */
const errorPage = (error: unknown): HttpResult => {
  if (error instanceof AppError) return html(error.statusCode, messagePage('Phiếu khảo sát', error.message));
  throw error;
};

/** The token's assignment, its round and template: resolved once per request. */
const openForm = async (token: string, deps: WebDeps) => {
  const assignment = await resolveToken(token, deps.samples);
  const round = await loadRound(assignment.roundId);
  return { token, assignment, round, template: getTemplate(round.templateId) };
};
type OpenForm = Awaited<ReturnType<typeof openForm>>;

const renderForm = (
  { token, assignment, round, template }: OpenForm,
  shown: { values?: FormValues; errors?: Record<string, string>; message?: string; status?: number } = {},
): HttpResult =>
  html(
    shown.status ?? 200,
    formPage({
      template,
      roundName: round.name,
      unitName: round.units.find((u) => u.code === assignment.unitCode)?.name ?? assignment.unitCode,
      fieldName: round.fields.find((f) => f.code === assignment.fieldCode)?.name ?? assignment.fieldCode,
      token,
      values: shown.values,
      errors: shown.errors,
      message: shown.message,
    }),
    [ENHANCER],
  );

/** GET /f/{token}: opening (or a link scanner's HEAD) never uses the token. */
export const showForm = async (token: string, deps: WebDeps): Promise<HttpResult> => {
  try {
    const form = await openForm(token, deps);
    const done = await deps.submissions.get(form.assignment.tokenHash);
    if (done) {
      return html(
        200,
        messagePage(
          'Phiếu khảo sát',
          `Bạn đã gửi phiếu này lúc ${formatTime(done.submittedAt)}. Mã biên nhận: ${done.receiptId}. Cảm ơn bạn!`,
        ),
      );
    }
    return renderForm(form);
  } catch (error) {
    return errorPage(error);
  }
};

/** POST /f/{token}: the no-JavaScript path, same use case as the JSON API. */
export const postForm = async (
  token: string,
  contentType: string,
  rawBody: Buffer,
  deps: WebDeps,
): Promise<HttpResult> => {
  try {
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      throw new UnsupportedMediaTypeError('Biểu mẫu phải được gửi dạng application/x-www-form-urlencoded.');
    }
    const form = await openForm(token, deps);
    const answers = answersFromForm(form.template, new URLSearchParams(rawBody.toString('utf8')));
    try {
      const { receipt } = await acceptSubmission({ token, answers }, 'web', deps);
      return html(
        201,
        messagePage(
          'Cảm ơn bạn!',
          `Phiếu đã được ghi nhận lúc ${formatTime(receipt.submittedAt)}. Mã biên nhận: ${receipt.receiptId}.`,
        ),
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const errors = Object.fromEntries((error.details ?? []).map((d) => [d.path ?? '', d.message]));
      return renderForm(form, { values: answers, errors, message: error.message, status: 400 });
    }
  } catch (error) {
    return errorPage(error);
  }
};

export const homePage = (): HttpResult =>
  html(
    200,
    messagePage(
      'dieutra — Điều tra xã hội học SIPAS và Chỉ số CCHC',
      'Người được khảo sát: hãy mở đường liên kết riêng trên phiếu hoặc tin nhắn bạn nhận được. Cán bộ nghiệp vụ: dùng API /api/… với mã xác thực.',
    ),
  );
