/**
 * Accept a respondent's answers exactly once per token (data-rules rule 17). The same body
 * again gets the same receipt (200); a different body on a used token is refused (409); a
 * rejected submission does not use the token.
 */
import { getTemplate, validateAnswers } from '../../shared/domain/index.ts';
import { canonicalJson, hashToken, sha256Hex } from '../../shared/platform/crypto.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import { sendMessage } from '../../shared/platform/queue.ts';
import { loadRound } from '../rounds/load-round.ts';
import type { Round } from '../rounds/schemas.ts';
import type { Assignment, SampleStore } from '../sampling/store.ts';
import type { Receipt, SubmissionAcceptedEvent } from './schemas.ts';
import type { SubmissionStore } from './store.ts';

export interface SubmissionDeps {
  samples: SampleStore;
  submissions: SubmissionStore;
  loadRound?: (roundId: string) => Promise<Round>;
  send?: typeof sendMessage;
  now?: () => Date;
}

export class TokenNotActiveError extends AppError {
  constructor() {
    super(403, 'TOKEN_NOT_ACTIVE', 'Phiếu này thuộc danh sách dự phòng và chưa được kích hoạt.');
  }
}

/** Resolves a form token to its assignment; 404 for an unknown token. */
export const resolveToken = async (token: string, samples: SampleStore): Promise<Assignment> => {
  const assignment = /^[A-Za-z0-9_-]{16,64}$/.test(token)
    ? await samples.findByTokenHash(hashToken(token))
    : null;
  if (!assignment)
    throw new NotFoundError('Liên kết phiếu không hợp lệ. Hãy kiểm tra lại đường dẫn.', 'TOKEN_NOT_FOUND');
  if (assignment.list !== 'official') throw new TokenNotActiveError();
  return assignment;
};

export const acceptSubmission = async (
  request: { token: string; answers: Record<string, unknown> },
  channel: 'web' | 'paper',
  deps: SubmissionDeps,
): Promise<{ created: boolean; receipt: Receipt }> => {
  const assignment = await resolveToken(request.token, deps.samples);
  const round = await (deps.loadRound ?? loadRound)(assignment.roundId);
  const template = getTemplate(round.templateId);
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
  const event: SubmissionAcceptedEvent = {
    kind: 'submission-accepted',
    roundId: stored.roundId,
    sampleId: stored.sampleId,
    unitCode: stored.unitCode,
    fieldCode: stored.fieldCode,
    tokenHash: stored.tokenHash,
    receiptId: stored.receiptId,
  };
  await (deps.send ?? sendMessage)('scoring-events', event);
  return { created, receipt: { receiptId: stored.receiptId, submittedAt: stored.submittedAt } };
};
