/**
 * A PAR rater form's answers (issue 9 item 7): one form rates several target units, and its answers
 * are stored as ONE submission per target (shared/tables/submissions.ts raterTargetHash), so scoring
 * counts each target's answers like any one-unit PAR form. Exactly once per (form, target): the same
 * body again → the same receipt (200); a different body → 409 ALREADY_SUBMITTED. Every target is
 * checked by the domain's checkSubmission before anything is stored; the per-target submissions are
 * written in one transaction (at most 100 targets; a bigger form is written in transactions of 100,
 * the first carrying the receipt, and a retry of the same body completes an interrupted attempt).
 *
 * Body: `{ token | code, targets: { [unitCode]: { [questionId]: answer } }, openedAt? }`. Issues name
 * the question as `unitCode/questionId` (the rater page's field names).
 */
import { type SendScoringEvent, sendScoringEvent } from '../../shared/contracts/scoring-events.ts';
import { canSubmit, checkSubmission, type SubmissionIssue } from '../../shared/domain/index.ts';
import { canonicalJson, type Keys, sha256Hex } from '../../shared/platform/crypto.ts';
import { ConflictError, ValidationError } from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import { loadRound, loadRoundTemplate, type Round, type RoundsReader } from '../../shared/tables/rounds.ts';
import {
  type RaterForm,
  resolveRaterPaperCode,
  resolveRaterToken,
  type SamplesReader,
} from '../../shared/tables/samples.ts';
import { raterTargetHash, type StoredSubmission } from '../../shared/tables/submissions.ts';
import { answersRefusal, RoundClosedError } from './accept-submission.ts';
import { type ClientInfo, clientHashOf, submissionFacts } from './integrity.ts';
import type { Receipt } from './schemas.ts';
import type { SubmissionStore } from './store.ts';

export interface RaterSubmissionDeps {
  samples: Pick<SamplesReader, 'findRaterFormByTokenHash' | 'findRaterFormByCodeHash'>;
  keys?: () => Promise<Keys>;
  rounds: Pick<RoundsReader, 'get'>;
  submissions: Pick<SubmissionStore, 'putAllOnce'>;
  send?: SendScoringEvent;
  now?: () => Date;
}

/** Top-level fields a rater form's JSON submission may carry. */
export const RATER_FIELDS = ['token', 'code', 'targets', 'openedAt', 'otpProof'];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The rater form named by `token` (the link's) or `code` (the paper letter's), exactly one. */
export const resolveRaterForm = async (
  input: { token?: unknown; code?: unknown },
  deps: Pick<RaterSubmissionDeps, 'samples' | 'keys'>,
): Promise<RaterForm> => {
  const hasToken = input.token !== undefined;
  if (hasToken === (input.code !== undefined) || (hasToken && typeof input.token !== 'string')) {
    throw new ValidationError(
      'Thiếu mã phiếu: gửi mã liên kết (token) hoặc mã in trên thư (code), chỉ một trong hai.',
      [{ path: 'token', code: 'INVALID_TOKEN', message: 'Cần đúng một trong hai trường token hoặc code.' }],
      'INVALID_TOKEN',
    );
  }
  if (hasToken) return resolveRaterToken(input.token as string, deps.samples);
  if (typeof input.code !== 'string' || !deps.keys) {
    throw new ValidationError(
      'Mã phiếu (code) phải là chuỗi ký tự in trên thư.',
      [{ path: 'code', code: 'PAPER_CODE_EMPTY', message: 'Mã phiếu phải là chuỗi.' }],
      'PAPER_CODE_EMPTY',
    );
  }
  return resolveRaterPaperCode(input.code, await deps.keys(), deps.samples);
};

const unitLabel = (round: Round, code: string): string => {
  const name = round.units.find((u) => u.code === code)?.name;
  return name ? `${name} (${code})` : code;
};

/**
 * Every target's answers checked (all problems of all targets reported together), or the refusal:
 * a target not on the form, a target missing, a top-level field that does not belong.
 */
export const checkRaterTargets = (
  form: RaterForm,
  round: Round,
  template: Parameters<typeof checkSubmission>[0],
  body: unknown,
): Record<string, Record<string, unknown>> => {
  if (!isRecord(body)) {
    throw new ValidationError('Nội dung gửi lên phải là một đối tượng JSON.', undefined, 'INVALID_BODY');
  }
  const extra = Object.keys(body).filter((k) => !RATER_FIELDS.includes(k));
  if (extra.length > 0) {
    throw new ValidationError(
      `Trường không hợp lệ trong dữ liệu gửi lên: ${extra.map((k) => `"${k.slice(0, 40)}"`).join(', ')}.`,
      extra.map((k) => ({ path: k.slice(0, 80), code: 'UNKNOWN_FIELD', message: 'Trường không hợp lệ.' })),
      'UNKNOWN_FIELD',
    );
  }
  const targets = body.targets;
  if (!isRecord(targets)) {
    throw new ValidationError(
      'Thiếu câu trả lời theo đơn vị (targets): mỗi đơn vị được đánh giá là một mục { mã đơn vị: { câu hỏi: trả lời } }.',
      [{ path: 'targets', code: 'INVALID_BODY', message: 'targets phải là một đối tượng.' }],
      'INVALID_BODY',
    );
  }
  const onForm = new Set(form.targets);
  // Object.keys also lists an own "__proto__" key of a JSON.parse result: refused as not on the form.
  const unknown = Object.keys(targets).filter((k) => !onForm.has(k));
  if (unknown.length > 0) {
    throw new ValidationError(
      `Phiếu của bạn không đánh giá ${unknown.map((k) => `đơn vị "${unitLabel(round, k.slice(0, 60))}"`).join(', ')}. Các đơn vị của phiếu: ${form.targets.map((t) => unitLabel(round, t)).join(', ')}.`,
      unknown.map((k) => ({
        path: `targets.${k.slice(0, 60)}`,
        code: 'UNKNOWN_TARGET',
        message: `Đơn vị "${k.slice(0, 60)}" không có trong phiếu.`,
      })),
      'UNKNOWN_TARGET',
    );
  }
  const issues: SubmissionIssue[] = [];
  const answers: Record<string, Record<string, unknown>> = {};
  for (const target of form.targets) {
    const checked = checkSubmission(template, { answers: targets[target] ?? {} }, { allowedFields: [] });
    if (checked.ok) answers[target] = checked.answers;
    else {
      const name = round.units.find((u) => u.code === target)?.name ?? target;
      for (const issue of checked.issues) {
        const path = issue.path.replace(/^answers\.?/, '');
        issues.push({
          ...issue,
          path: path ? `${target}/${path}` : `targets.${target}`,
          message: `${name} – ${issue.message}`,
        });
      }
    }
  }
  if (issues.length > 0) {
    const refusal = answersRefusal(issues);
    // answersRefusal strips only `answers.`: keep our own paths.
    throw new ValidationError(
      issues.length === 1 ? issues[0]!.message : refusal.message,
      issues.map((i) => ({ path: i.path, code: i.code, message: i.message })),
      refusal.code,
    );
  }
  return answers;
};

export interface RaterReceipt extends Receipt {
  /** The targets answered, in the form's order. */
  targets: string[];
}

export const acceptRaterSubmission = async (
  request: { token?: unknown; code?: unknown; body: unknown; client?: ClientInfo },
  deps: RaterSubmissionDeps,
): Promise<{ created: boolean; receipt: RaterReceipt }> => {
  const now = deps.now?.() ?? new Date();
  const form = await resolveRaterForm(request, deps);
  const round = await loadRound(form.roundId, deps.rounds);
  const decision = canSubmit(round, now);
  if (!decision.ok && decision.code === 'ROUND_CLOSED') {
    throw new RoundClosedError(decision.code, decision.message);
  }
  const template = await loadRoundTemplate(round, deps.rounds);
  const answers = checkRaterTargets(form, round, template, request.body);
  const keys = request.client ? await deps.keys?.() : undefined;
  const receiptId = newId('rcp');
  const openedAt = isRecord(request.body) ? request.body.openedAt : undefined;
  const facts = submissionFacts({
    openedAt,
    submittedAt: now,
    clientHash: keys && request.client ? clientHashOf(keys, form.roundId, request.client) : undefined,
  });
  const items: StoredSubmission[] = form.targets.map((target) => ({
    tokenHash: raterTargetHash(form.tokenHash, target),
    roundId: form.roundId,
    sampleId: form.formsId,
    unitCode: target,
    fieldCode: form.groupCode,
    templateId: template.id,
    answers: answers[target]!,
    bodyHash: sha256Hex(canonicalJson(answers[target])),
    receiptId,
    channel: 'web',
    submittedAt: now.toISOString(),
    ...facts,
  }));
  const { created, stored } = await deps.submissions.putAllOnce(items);
  const differs =
    stored.length !== items.length ||
    stored.some((s, i) => s.bodyHash !== items[i]!.bodyHash || s.channel !== 'web');
  if (differs) {
    throw new ConflictError(
      'ALREADY_SUBMITTED',
      'Phiếu đánh giá này đã được gửi trước đó với câu trả lời khác; mỗi người chỉ trả lời một lần.',
    );
  }
  // One event per target, also on the replay path (the live counter is idempotent per token hash).
  for (const s of stored) {
    await (deps.send ?? sendScoringEvent)({
      kind: 'submission-accepted',
      roundId: s.roundId,
      sampleId: s.sampleId,
      unitCode: s.unitCode,
      fieldCode: s.fieldCode,
      tokenHash: s.tokenHash,
      receiptId: s.receiptId,
    });
  }
  const first = stored[0]!;
  return {
    created,
    receipt: { receiptId: first.receiptId, submittedAt: first.submittedAt, targets: form.targets },
  };
};
