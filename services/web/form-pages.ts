/** The public pages web renders (read-only: answers are posted to the submission service). */
import { type HttpResult, html } from '../../shared/platform/http.ts';
import type { SubmissionsReader } from '../../shared/tables/submissions.ts';
import { messagePage } from '../../shared/ui/form-page.ts';
import { errorPage, type FormReaders, formatTime, openForm, renderForm } from '../../shared/ui/form-view.ts';

export interface WebDeps extends FormReaders {
  submissions: Pick<SubmissionsReader, 'getByTokenHash'>;
}

/** GET /f/{token}: opening (or a link scanner's HEAD) never uses the token. */
export const showForm = async (token: string, deps: WebDeps): Promise<HttpResult> => {
  try {
    const form = await openForm(token, deps);
    const done = await deps.submissions.getByTokenHash(form.assignment.tokenHash);
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

export const homePage = (): HttpResult =>
  html(
    200,
    messagePage(
      'dieutra — Điều tra xã hội học SIPAS và Chỉ số CCHC',
      'Người được khảo sát: hãy mở đường liên kết riêng trên phiếu hoặc tin nhắn bạn nhận được. Cán bộ nghiệp vụ: dùng API /api/… với mã xác thực.',
    ),
  );
