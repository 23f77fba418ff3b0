/**
 * Integrity signals (issue 10 §7): the facts recorded with each submission, and the ops view that runs
 * the domain's detectors over them. Recorded and shown, never a reason to refuse a form.
 *
 * The client is known only as a keyed hash of its IP address and user agent, per round (so two rounds
 * cannot be linked, and a leaked table reveals no address); facts are never joined to persons.
 */
import { createHmac } from 'node:crypto';
import { integritySignals, type SubmissionFact } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import type { Keys } from '../../shared/platform/crypto.ts';
import { loadRound, type RoundsReader } from '../../shared/tables/rounds.ts';
import type { StoredSubmission, SubmissionsReader } from '../../shared/tables/submissions.ts';

export interface ClientInfo {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Keyed hash of client IP + user agent within one round (hex, 32 characters). */
export const clientHashOf = (keys: Keys, roundId: string, client: ClientInfo): string | undefined => {
  if (!client.ip && !client.userAgent) return undefined;
  return createHmac('sha256', keys.token)
    .update(`client\u001f${roundId}\u001f${client.ip ?? ''}\u001f${(client.userAgent ?? '').slice(0, 512)}`)
    .digest('hex')
    .slice(0, 32);
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The facts of one submission: `openedAt` if the form sent a well-formed time (a malformed one is
 * ignored, never refused), the duration in whole seconds, the client hash.
 */
export const submissionFacts = (input: {
  openedAt: unknown;
  submittedAt: Date;
  clientHash: string | undefined;
}): Pick<StoredSubmission, 'openedAt' | 'durationSeconds' | 'clientHash'> => {
  const out: Pick<StoredSubmission, 'openedAt' | 'durationSeconds' | 'clientHash'> = {};
  if (
    typeof input.openedAt === 'string' &&
    ISO.test(input.openedAt) &&
    Number.isFinite(Date.parse(input.openedAt))
  ) {
    out.openedAt = new Date(Date.parse(input.openedAt)).toISOString();
    out.durationSeconds = Math.round((input.submittedAt.getTime() - Date.parse(input.openedAt)) / 1000);
  }
  if (input.clientHash) out.clientHash = input.clientHash;
  return out;
};

const factOf = (s: StoredSubmission): SubmissionFact => ({
  receiptId: s.receiptId,
  unitCode: s.unitCode,
  fieldCode: s.fieldCode,
  submittedAt: s.submittedAt,
  ...(s.openedAt ? { openedAt: s.openedAt } : {}),
  ...(s.clientHash ? { clientHash: s.clientHash } : {}),
  answersHash: s.bodyHash,
  channel: s.channel,
});

export interface IntegrityDeps {
  rounds: Pick<RoundsReader, 'get'>;
  submissions: Pick<SubmissionsReader, 'listByRound'>;
}

/**
 * GET /api/rounds/{roundId}/integrity-signals: the detectors over the submissions of the units the
 * caller may see. Receipt ids only: no token, token hash or person key leaves this view.
 */
export const listIntegritySignals = async (
  roundId: string,
  principal: Principal,
  query: { unitCode?: string | undefined },
  deps: IntegrityDeps,
) => {
  const round = await loadRound(roundId, deps.rounds);
  const submissions = (await deps.submissions.listByRound(roundId)).filter(
    (s) => canAccessUnit(principal, s.unitCode) && (!query.unitCode || s.unitCode === query.unitCode),
  );
  const minSeconds = round.settings.fastCompletionSeconds;
  const facts = submissions.map(factOf);
  const signals = integritySignals(
    minSeconds > 0 ? facts : facts.map(({ openedAt: _o, ...f }) => f),
    minSeconds > 0 ? { fastCompletion: { minSeconds } } : {},
  );
  const counts = { BURST: 0, FAST_COMPLETION: 0, IDENTICAL_ANSWERS: 0 };
  for (const s of signals) counts[s.kind]++;
  return {
    roundId,
    submissions: submissions.length,
    withOpenedAt: submissions.filter((s) => s.openedAt !== undefined).length,
    settings: { fastCompletionSeconds: minSeconds },
    counts,
    signals,
  };
};
