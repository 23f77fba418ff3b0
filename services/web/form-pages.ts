/** The public pages web renders (read-only: answers are posted to the submission service). */
import { PAPER_CODE_ERRORS } from '../../shared/domain/index.ts';
import { formToken, type Keys } from '../../shared/platform/crypto.ts';
import { AppError } from '../../shared/platform/errors.ts';
import type { HttpResult } from '../../shared/platform/http.ts';
import {
  raterFormAssignment,
  resolveAnyPaperCode,
  type SamplesReader,
  tokenAssignment,
} from '../../shared/tables/samples.ts';
import { raterTargetHash, type SubmissionsReader } from '../../shared/tables/submissions.ts';
import { CODE_CHECKER, messagePage, startPage } from '../../shared/ui/form-page.ts';
import {
  errorPage,
  type FormReaders,
  formatTime,
  openForm,
  renderForm,
  uiHtml,
} from '../../shared/ui/form-view.ts';
import { otpStartPage } from '../../shared/ui/otp-page.ts';
import { openRaterForm, type RaterReaders, renderRaterForm } from '../../shared/ui/rater-view.ts';

export interface WebDeps extends FormReaders {
  submissions: Pick<SubmissionsReader, 'getByTokenHash'>;
}

export interface RaterDeps extends RaterReaders {
  submissions: Pick<SubmissionsReader, 'getByTokenHash'>;
}

/**
 * GET /r/{token}: a PAR rater form, one section per target unit. Opening it (or a scanner's HEAD)
 * never uses the token; a form already sent shows its receipt.
 */
export const showRaterForm = async (token: string, deps: RaterDeps): Promise<HttpResult> => {
  try {
    const open = await openRaterForm(token, deps);
    const first = open.form.targets[0]!;
    const done = await deps.submissions.getByTokenHash(raterTargetHash(open.form.tokenHash, first));
    if (done) {
      return uiHtml(
        200,
        messagePage(
          'Phiếu đánh giá',
          `Bạn đã gửi phiếu đánh giá này lúc ${formatTime(done.submittedAt)}. Mã biên nhận: ${done.receiptId}. Cảm ơn bạn!`,
        ),
      );
    }
    return renderRaterForm(open);
  } catch (error) {
    return errorPage(error);
  }
};

/** GET /f/{token}: opening (or a link scanner's HEAD) never uses the token. */
export const showForm = async (token: string, deps: WebDeps): Promise<HttpResult> => {
  try {
    const form = await openForm(token, deps);
    const done = await deps.submissions.getByTokenHash(form.assignment.tokenHash);
    if (done) {
      return uiHtml(
        200,
        messagePage(
          'Phiếu khảo sát',
          `Bạn đã gửi phiếu này lúc ${formatTime(done.submittedAt)}. Mã biên nhận: ${done.receiptId}. Cảm ơn bạn!`,
        ),
      );
    }
    // The round asks for a one-time code first: the form opens after POST /f/{token}/otp/verify.
    if (form.round.settings.requireOtp) {
      return uiHtml(200, otpStartPage({ token, roundName: form.round.name }));
    }
    return renderForm(form);
  } catch (error) {
    return errorPage(error);
  }
};

const MESSAGES = {
  EMPTY: PAPER_CODE_ERRORS.EMPTY.message,
  LENGTH: PAPER_CODE_ERRORS.LENGTH.message,
  CHARACTER: PAPER_CODE_ERRORS.CHARACTER.message,
  CHECK: PAPER_CODE_ERRORS.CHECK.message,
};

/** GET /: the start page, where a respondent with a paper letter types the code. */
export const homePage = (): HttpResult => uiHtml(200, startPage(MESSAGES), [CODE_CHECKER]);

export interface CodeDeps {
  samples: Pick<SamplesReader, 'findByCodeHash'> & Partial<Pick<SamplesReader, 'findRaterFormByCodeHash'>>;
  keys: () => Promise<Keys>;
}

/**
 * GET /ma-phieu?code=: the check character is verified before any lookup (400 with the typo message on
 * the start page, tied to the input); a known, active code → 303 to its form: an assignment's
 * (`/f/…`) first, else a PAR rater form's (`/r/…`).
 */
export const openByCode = async (input: string, deps: CodeDeps): Promise<HttpResult> => {
  try {
    const keys = await deps.keys();
    const found = await resolveAnyPaperCode(input, keys, deps.samples);
    const location =
      'assignment' in found
        ? `/f/${formToken(keys, tokenAssignment(found.assignment))}`
        : `/r/${formToken(keys, raterFormAssignment(found.raterForm))}`;
    return uiHtml(303, messagePage('Đang mở phiếu', 'Đang mở phiếu khảo sát…'), [], { location });
  } catch (error) {
    if (error instanceof AppError && (error.statusCode === 400 || error.statusCode === 404)) {
      return uiHtml(
        error.statusCode,
        startPage(MESSAGES, { value: input.slice(0, 24), error: error.message }),
        [CODE_CHECKER],
        { 'x-error-code': error.code },
      );
    }
    return errorPage(error);
  }
};
