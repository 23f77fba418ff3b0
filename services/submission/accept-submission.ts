/**
 * Accept a respondent's answers exactly once per token (data-rules rule 17). The same body
 * again gets the same receipt (200); a different body on a used token is refused (409); a
 * rejected submission does not use the token.
 *
 * Per request: one token lookup, the round from a warm-invocation cache, one conditional write,
 * one event. Answers are checked with the domain's `checkSubmission` on the RAW parsed body (a zod
 * record would silently drop `__proto__`).
 */
import { type SendScoringEvent, sendScoringEvent } from '../../shared/contracts/scoring-events.ts';
import {
  type CheckSubmissionResult,
  canSubmit,
  checkSubmission,
  type SubmissionIssue,
} from '../../shared/domain/index.ts';
import { canonicalJson, type Keys, sha256Hex } from '../../shared/platform/crypto.ts';
import { AppError, ConflictError, ValidationError } from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import { loadRound, loadRoundTemplate, type Round, type RoundsReader } from '../../shared/tables/rounds.ts';
import { type AssignmentDeps, resolveAssignment } from './assignment.ts';
import { type ClientInfo, clientHashOf, submissionFacts } from './integrity.ts';
import { OtpRequiredError, proofValid } from './otp.ts';
import type { Receipt } from './schemas.ts';
import type { SubmissionStore } from './store.ts';

export interface SubmissionDeps {
  samples: AssignmentDeps['samples'];
  /** Server keys: paper codes, OTP proofs and the client hash need them. */
  keys?: () => Promise<Keys>;
  rounds: Pick<RoundsReader, 'get'>;
  submissions: Pick<SubmissionStore, 'putOnce'>;
  send?: SendScoringEvent;
  now?: () => Date;
}

/** Top-level fields a JSON submission may carry. */
export const SUBMISSION_FIELDS = ['token', 'code', 'answers', 'openedAt', 'otpProof'];

/**
 * The round of a submission, cached across warm invocations for a short time: a lifecycle change
 * (e.g. closing fieldwork by hand) takes effect within the TTL, and the schedule's fieldwork end is
 * checked against the clock on every request, so the cache never lets a late form in.
 */
const ROUND_TTL_MS = 15_000;
const roundCache = new Map<string, { round: Round; until: number }>();
export const clearRoundCache = (): void => roundCache.clear();

const cachedRound = async (roundId: string, rounds: Pick<RoundsReader, 'get'>, now: number) => {
  const hit = roundCache.get(roundId);
  if (hit && hit.until > now) return hit.round;
  const round = await loadRound(roundId, rounds);
  roundCache.set(roundId, { round, until: now + ROUND_TTL_MS });
  return round;
};

/** One precise code per refusal: the issues' code when they share one, INVALID_ANSWERS otherwise. */
export const answersRefusal = (issues: SubmissionIssue[]): ValidationError => {
  const codes = new Set(issues.map((i) => i.code));
  const code = codes.size === 1 ? [...codes][0]! : 'INVALID_ANSWERS';
  const message =
    issues.length === 1 ? issues[0]!.message : 'Phiếu chưa hợp lệ: hãy xem lại các câu được đánh dấu.';
  return new ValidationError(
    message,
    // Paths name the question (or field) as the form does: `answers.zz` → `zz`.
    issues.map((i) => ({ path: i.path.replace(/^answers\./, ''), code: i.code, message: i.message })),
    code,
  );
};

export class RoundClosedError extends AppError {
  constructor(code: string, message: string) {
    super(code === 'ROUND_CLOSED' ? 410 : 409, code, message);
  }
}

export const acceptSubmission = async (
  request: {
    /** The link's token or the paper letter's code (exactly one). */
    token?: string | undefined;
    code?: string | undefined;
    answers: unknown;
    body?: unknown;
    form?: boolean;
    /** Integrity facts (recorded, never refusing): the form's opening time, the client. */
    openedAt?: unknown;
    client?: ClientInfo;
    otpProof?: unknown;
  },
  channel: 'web' | 'paper',
  deps: SubmissionDeps,
): Promise<{ created: boolean; receipt: Receipt }> => {
  const now = deps.now?.() ?? new Date();
  const assignment = await resolveAssignment(request, deps);
  const round = await cachedRound(assignment.roundId, deps.rounds, now.getTime());
  const decision = canSubmit(round, now);
  // Only the closing side of the guard for now: rounds cannot yet be moved into fieldwork through
  // the API (the rounds helper's transitions), so ROUND_NOT_OPEN would refuse every current round.
  if (!decision.ok && decision.code === 'ROUND_CLOSED') {
    throw new RoundClosedError(decision.code, decision.message);
  }
  const keys = round.settings.requireOtp || request.client ? await deps.keys?.() : undefined;
  if (round.settings.requireOtp && !(keys && proofValid(keys, assignment.tokenHash, request.otpProof, now))) {
    throw new OtpRequiredError();
  }
  const template = await loadRoundTemplate(round, deps.rounds);
  const checked: CheckSubmissionResult =
    request.body !== undefined
      ? checkSubmission(template, request.body, { allowedFields: SUBMISSION_FIELDS })
      : checkSubmission(template, request.answers, { answersField: null, allowedFields: [] });
  if (!checked.ok) throw answersRefusal(checked.issues);
  const bodyHash = sha256Hex(canonicalJson(checked.answers));
  const { created, stored } = await deps.submissions.putOnce({
    tokenHash: assignment.tokenHash,
    roundId: assignment.roundId,
    sampleId: assignment.sampleId,
    unitCode: assignment.unitCode,
    fieldCode: assignment.fieldCode,
    templateId: template.id,
    answers: checked.answers,
    bodyHash,
    receiptId: newId('rcp'),
    channel,
    submittedAt: now.toISOString(),
    ...submissionFacts({
      openedAt: request.openedAt,
      submittedAt: now,
      clientHash: keys && request.client ? clientHashOf(keys, assignment.roundId, request.client) : undefined,
    }),
  });
  if (!created && stored.channel !== channel) {
    throw stored.channel === 'paper'
      ? new ConflictError(
          'ANSWERED_ON_PAPER',
          'Phiếu này đã được nhập từ phiếu giấy gửi về; mỗi người chỉ trả lời một lần.',
        )
      : new ConflictError(
          'ANSWERED_ON_WEB',
          'Phiếu này đã được trả lời trực tuyến; mỗi người chỉ trả lời một lần.',
        );
  }
  if (!created && stored.bodyHash !== bodyHash) {
    throw new ConflictError(
      'ALREADY_SUBMITTED',
      'Phiếu này đã được gửi trước đó; mỗi người chỉ trả lời một lần.',
    );
  }
  // Sent on the replay path too: the counter is idempotent per token, and this heals a
  // first attempt that stored the answers but failed before the event left (the respondent's
  // retry re-sends it; scoring may also recount from the submissions table).
  await (deps.send ?? sendScoringEvent)({
    kind: 'submission-accepted',
    roundId: stored.roundId,
    sampleId: stored.sampleId,
    unitCode: stored.unitCode,
    fieldCode: stored.fieldCode,
    tokenHash: stored.tokenHash,
    receiptId: stored.receiptId,
  });
  return { created, receipt: { receiptId: stored.receiptId, submittedAt: stored.submittedAt } };
};
