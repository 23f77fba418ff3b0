/**
 * The PAR rater form (issue 9 item 7): one form, several target units, one section per target with
 * the round's PAR questionnaire. Shown by web (GET /r/{token}) and, with the messages of a refused
 * plain post, by submission (POST /r/{token}). Field names are `unitCode/questionId` (question ids never
 * contain "/"; a unit code may, so the LAST "/" splits).
 */
import { canSubmit, type QuestionnaireTemplate } from '../domain/index.ts';
import type { HttpResult } from '../platform/http.ts';
import { escapeHtml as e } from '../platform/text.ts';
import { loadRound, loadRoundTemplate, type RoundsReader } from '../tables/rounds.ts';
import { type RaterForm, resolveRaterToken, type SamplesReader } from '../tables/samples.ts';
import { type FormValues, page, RATER_ENHANCER, renderQuestion } from './form-page.ts';
import { RoundClosedError, uiHtml } from './form-view.ts';

export interface RaterReaders {
  samples: Pick<SamplesReader, 'findRaterFormByTokenHash'>;
  rounds: Pick<RoundsReader, 'get'>;
}

/** The rater form of a token, its round and template; 404 unknown, 410 revoked or fieldwork over. */
export const openRaterForm = async (token: string, readers: RaterReaders, now = new Date()) => {
  const form: RaterForm = await resolveRaterToken(token, readers.samples);
  const round = await loadRound(form.roundId, readers.rounds);
  const decision = canSubmit(round, now);
  if (!decision.ok && decision.code === 'ROUND_CLOSED') throw new RoundClosedError(decision.message);
  return { token, form, round, template: await loadRoundTemplate(round, readers.rounds) };
};
export type OpenRaterForm = Awaited<ReturnType<typeof openRaterForm>>;

/** `unitCode/questionId` → [unitCode, questionId]. */
export const splitRaterField = (name: string): [string, string] | null => {
  const i = name.lastIndexOf('/');
  return i > 0 && i < name.length - 1 ? [name.slice(0, i), name.slice(i + 1)] : null;
};

const raterPage = (args: {
  template: QuestionnaireTemplate;
  roundName: string;
  targets: Array<{ code: string; name: string }>;
  token: string;
  values: Record<string, FormValues>;
  errors: Record<string, string>;
  message?: string;
  openedAt: string;
}): string => {
  const { template, targets, values, errors } = args;
  const questions = template.sections.flatMap((s) => s.questions);
  const sections = targets
    .map((t, i) => {
      const body = template.sections
        .map(
          (s) =>
            `<h3>${e(s.title)}</h3>${s.questions
              .map((q) =>
                renderQuestion(template, q, values[t.code] ?? {}, errors[`${t.code}/${q.id}`], `${t.code}/`),
              )
              .join('')}`,
        )
        .join('');
      return `<section aria-labelledby="t-${i}" data-target="${e(t.code)}"><h2 id="t-${i}">Đơn vị ${i + 1} / ${targets.length}: ${e(t.name)}</h2>${body}</section>`;
    })
    .join('');
  const links = targets
    .flatMap((t) =>
      questions
        .filter((q) => errors[`${t.code}/${q.id}`])
        .map(
          (q) =>
            `<li><a href="#q-${e(`${t.code}/${q.id}`)}">${e(errors[`${t.code}/${q.id}`] ?? '')}</a></li>`,
        ),
    )
    .join('');
  const banner = args.message
    ? `<div class="box err" role="alert"><p>${e(args.message)}</p>${links ? `<ul class="summary">${links}</ul>` : ''}</div>`
    : '';
  const required = questions.filter((q) => q.required).length;
  return page(
    args.template.title,
    `<section><p><strong>${e(args.roundName)}</strong></p><p>Phiếu này đánh giá ${targets.length} đơn vị: ${targets.map((t) => e(t.name)).join('; ')}.</p><p class="note">Phiếu dành riêng cho bạn; mỗi người gửi một lần cho tất cả các đơn vị. Câu có dấu <span class="req">*</span> là bắt buộc; nếu không đủ thông tin, hãy chọn “Không đủ thông tin để đánh giá”. Câu trả lời được lưu tạm trên máy của bạn cho đến khi gửi. Thông tin cá nhân không gắn với câu trả lời khi báo cáo.</p></section>
<div id="progress" role="status" aria-live="polite">${targets.length} đơn vị · ${questions.length} câu mỗi đơn vị${required ? ` · ${required} câu bắt buộc` : ''}</div>
<div id="result" tabindex="-1" role="status">${banner}</div>
<form id="survey" method="post" action="/r/${e(args.token)}" data-token="${e(args.token)}" novalidate><input type="hidden" name="openedAt" value="${e(args.openedAt)}">${sections}<p><button type="submit">Gửi phiếu đánh giá</button></p></form>
<script>${RATER_ENHANCER}</script>`,
  );
};

export const renderRaterForm = (
  { token, form, round, template }: OpenRaterForm,
  shown: {
    values?: Record<string, FormValues>;
    errors?: Record<string, string>;
    message?: string;
    status?: number;
    openedAt?: string;
    now?: Date;
  } = {},
): HttpResult =>
  uiHtml(
    shown.status ?? 200,
    raterPage({
      template,
      roundName: round.name,
      targets: form.targets.map((code) => ({
        code,
        name: round.units.find((u) => u.code === code)?.name ?? code,
      })),
      token,
      values: shown.values ?? {},
      errors: shown.errors ?? {},
      ...(shown.message ? { message: shown.message } : {}),
      openedAt: shown.openedAt ?? (shown.now ?? new Date()).toISOString(),
    }),
    [RATER_ENHANCER],
  );
