/**
 * The one-time-code step as HTML form posts (no JavaScript): POST /f/{token}/otp sends the code and
 * asks for it; POST /f/{token}/otp/verify checks it and opens the form carrying the proof.
 */
import { AppError } from '../../shared/platform/errors.ts';
import type { HttpResult } from '../../shared/platform/http.ts';
import { messagePage } from '../../shared/ui/form-page.ts';
import { errorPage, type FormReaders, openForm, renderForm, uiHtml } from '../../shared/ui/form-view.ts';
import { otpCodePage, otpStartPage } from '../../shared/ui/otp-page.ts';
import { type OtpDeps, sendOtp, verifyOtp } from './otp.ts';

type Deps = OtpDeps & FormReaders;

const codeOf = (error: unknown): Record<string, string> =>
  error instanceof AppError ? { 'x-error-code': error.code } : {};

export const postFormOtp = async (token: string, deps: Deps): Promise<HttpResult> => {
  try {
    const form = await openForm(token, deps);
    try {
      const { sentTo } = await sendOtp({ token }, deps);
      return uiHtml(200, otpCodePage({ token, sentTo }));
    } catch (error) {
      if (error instanceof AppError && error.code === 'ALREADY_SUBMITTED') {
        return uiHtml(409, messagePage('Phiếu khảo sát', error.message), [], codeOf(error));
      }
      if (error instanceof AppError && error.statusCode < 500 && error.code.startsWith('OTP_')) {
        return uiHtml(
          error.statusCode,
          otpStartPage({ token, roundName: form.round.name, error: error.message }),
          [],
          codeOf(error),
        );
      }
      throw error;
    }
  } catch (error) {
    return errorPage(error);
  }
};

export const postFormOtpVerify = async (token: string, rawBody: Buffer, deps: Deps): Promise<HttpResult> => {
  try {
    const form = await openForm(token, deps);
    const otp = new URLSearchParams(rawBody.toString('utf8')).get('otp') ?? '';
    try {
      const { proof } = await verifyOtp({ token, otp }, deps);
      return renderForm(form, { otpProof: proof });
    } catch (error) {
      if (error instanceof AppError && error.code === 'ALREADY_SUBMITTED') {
        return uiHtml(409, messagePage('Phiếu khảo sát', error.message), [], codeOf(error));
      }
      if (error instanceof AppError && error.statusCode < 500 && error.code.startsWith('OTP_')) {
        return uiHtml(
          error.statusCode,
          otpCodePage({ token, error: error.message, value: otp.slice(0, 8) }),
          [],
          codeOf(error),
        );
      }
      throw error;
    }
  } catch (error) {
    return errorPage(error);
  }
};
