/**
 * What the form page (web, GET) and the no-JavaScript form post (submission, POST) both show: the
 * token's form, resolved once per request through the table contracts, and its error page.
 */
import { AppError } from '../platform/errors.ts';
import { type HttpResult, html } from '../platform/http.ts';
import { loadRound, loadRoundTemplate, type RoundsReader } from '../tables/rounds.ts';
import { resolveToken, type SamplesReader } from '../tables/samples.ts';
import { ENHANCER, type FormValues, formPage, messagePage } from './form-page.ts';

export interface FormReaders {
  samples: Pick<SamplesReader, 'findByTokenHash'>;
  rounds: Pick<RoundsReader, 'get'>;
}

export const formatTime = (iso: string): string =>
  new Date(iso).toLocaleString('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'short',
  });

/** Any application error → a Vietnamese page with its status (never a stack trace). */
export const errorPage = (error: unknown): HttpResult => {
  if (error instanceof AppError) return html(error.statusCode, messagePage('Phiếu khảo sát', error.message));
  throw error;
};

/** The token's assignment, its round and template. */
export const openForm = async (token: string, readers: FormReaders) => {
  const assignment = await resolveToken(token, readers.samples);
  const round = await loadRound(assignment.roundId, readers.rounds);
  return { token, assignment, round, template: await loadRoundTemplate(round, readers.rounds) };
};
export type OpenForm = Awaited<ReturnType<typeof openForm>>;

export const renderForm = (
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
