/**
 * Accept a respondent's answers exactly once per token (data-rules rule 17). The same body
 * again gets the same receipt (200); a different body on a used token is refused (409); a
 * rejected submission does not use the token.
 */
import { type SendScoringEvent, sendScoringEvent } from '../../shared/contracts/scoring-events.ts';
import { validateAnswers } from '../../shared/domain/index.ts';
import { canonicalJson, sha256Hex } from '../../shared/platform/crypto.ts';
import { ConflictError, ValidationError } from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import { loadRound, loadRoundTemplate, type RoundsReader } from '../../shared/tables/rounds.ts';
import { resolveToken, type SamplesReader } from '../../shared/tables/samples.ts';
import type { Receipt } from './schemas.ts';
import type { SubmissionStore } from './store.ts';

export interface SubmissionDeps {
  samples: Pick<SamplesReader, 'findByTokenHash'>;
  rounds: Pick<RoundsReader, 'get'>;
  submissions: Pick<SubmissionStore, 'putOnce'>;
  send?: SendScoringEvent;
  now?: () => Date;
}

export const acceptSubmission = async (
  request: { token: string; answers: Record<string, unknown> },
  channel: 'web' | 'paper',
  deps: SubmissionDeps,
): Promise<{ created: boolean; receipt: Receipt }> => {
  const assignment = await resolveToken(request.token, deps.samples);
  const round = await loadRound(assignment.roundId, deps.rounds);
  const template = await loadRoundTemplate(round, deps.rounds);
  const checked = validateAnswers(template, request.answers);
  if (!checked.ok) {
    throw new ValidationError(
      'Phiếu chưa hợp lệ: hãy xem lại các câu được đánh dấu.',
      checked.issues.map((i) => ({ path: i.questionId ?? 'answers', code: i.code, message: i.message })),
      'INVALID_ANSWERS',
    );
  }
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
    submittedAt: (deps.now?.() ?? new Date()).toISOString(),
  });
  if (!created && stored.bodyHash !== bodyHash) {
    throw new ConflictError(
      'ALREADY_SUBMITTED',
      'Phiếu này đã được gửi trước đó; mỗi người chỉ trả lời một lần.',
    );
  }
  // Sent on the replay path too: the counter is idempotent per token, and this heals a
  // first attempt that stored the answers but failed before the event left.
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
