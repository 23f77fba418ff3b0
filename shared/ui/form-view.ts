/**
 * What the form page (web, GET) and the no-JavaScript form post (submission, POST) both show: the
 * token's form, resolved once per request through the table contracts, and its error page.
 */
import { createHash } from 'node:crypto';
import { canSubmit } from '../domain/index.ts';
import { AppError } from '../platform/errors.ts';
import { type HttpResult, text } from '../platform/http.ts';
import { loadRound, loadRoundTemplate, type RoundsReader } from '../tables/rounds.ts';
import { resolveToken, type SamplesReader } from '../tables/samples.ts';
import { ENHANCER, type FormValues, formPage, messagePage, STYLE } from './form-page.ts';

export interface FormReaders {
  samples: Pick<SamplesReader, 'findByTokenHash'>;
  rounds: Pick<RoundsReader, 'get'>;
}

const hashes = new Map<string, string>();
const cspHash = (source: string): string => {
  let h = hashes.get(source);
  if (!h) {
    h = `'sha256-${createHash('sha256').update(source).digest('base64')}'`;
    hashes.set(source, h);
  }
  return h;
};

/** The page's CSP: its style sheet and scripts by hash only, nothing third-party, no inline handlers. */
export const pageCsp = (scripts: readonly string[]): string =>
  [
    "default-src 'none'",
    `style-src ${cspHash(STYLE)}`,
    `script-src ${scripts.length > 0 ? scripts.map(cspHash).join(' ') : "'none'"}`,
    "connect-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/** An HTML page of shared/ui with its strict CSP. */
export const uiHtml = (
  statusCode: number,
  body: string,
  scripts: readonly string[] = [],
  headers: Record<string, string> = {},
): HttpResult =>
  text(statusCode, 'text/html; charset=utf-8', body, {
    'content-security-policy': pageCsp(scripts),
    ...headers,
  });

export const formatTime = (iso: string): string =>
  new Date(iso).toLocaleString('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'short',
  });

/** A closed round (fieldwork over): its own 410 page. */
export class RoundClosedError extends AppError {
  constructor(message: string) {
    super(410, 'ROUND_CLOSED', message);
  }
}

/** Any application error → a Vietnamese page with its status (never a stack trace). */
export const errorPage = (error: unknown): HttpResult => {
  if (error instanceof AppError) {
    const title =
      error.statusCode === 404
        ? 'Không tìm thấy phiếu'
        : error.statusCode === 410
          ? 'Phiếu không còn nhận trả lời'
          : error.statusCode === 403
            ? 'Phiếu chưa được kích hoạt'
            : 'Phiếu khảo sát';
    return uiHtml(error.statusCode, messagePage(title, error.message));
  }
  throw error;
};

/** The token's assignment, its round and template; a round whose fieldwork is over → 410. */
export const openForm = async (token: string, readers: FormReaders, now = new Date()) => {
  const assignment = await resolveToken(token, readers.samples);
  const round = await loadRound(assignment.roundId, readers.rounds);
  const decision = canSubmit(round, now);
  // Only "closed" is shown here; a round not yet in the field is refused by the submission itself.
  if (!decision.ok && decision.code === 'ROUND_CLOSED') throw new RoundClosedError(decision.message);
  return { token, assignment, round, template: await loadRoundTemplate(round, readers.rounds) };
};
export type OpenForm = Awaited<ReturnType<typeof openForm>>;

export const renderForm = (
  { token, assignment, round, template }: OpenForm,
  shown: {
    values?: FormValues;
    errors?: Record<string, string>;
    message?: string;
    status?: number;
    /** The verified one-time code's proof, carried by the form's post. */
    otpProof?: string;
    /** Kept from the first rendering when the form comes back with errors. */
    openedAt?: string;
    now?: Date;
  } = {},
): HttpResult =>
  uiHtml(
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
      openedAt: shown.openedAt ?? (shown.now ?? new Date()).toISOString(),
      ...(shown.otpProof ? { otpProof: shown.otpProof } : {}),
    }),
    [ENHANCER],
  );
