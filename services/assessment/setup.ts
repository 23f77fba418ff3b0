/**
 * Attaching the year's criteria version to a PAR round, with the self-assessment deadline and the
 * response window. Changing the version once a unit has scored against it is refused
 * (`CRITERIA_IN_USE`): the scores would no longer match the tree they were given for.
 */
import type { z } from 'zod';
import type { Principal } from '../../shared/platform/auth.ts';
import { ConflictError, NotFoundError } from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import type { AssessmentSetup } from '../../shared/tables/assessments.ts';
import { loadRound, type RoundsReader } from '../../shared/tables/rounds.ts';
import type { attachCriteriaSchema } from './schemas.ts';
import type { AssessmentStore } from './store.ts';

export const attachCriteria = async (
  roundId: string,
  body: z.output<typeof attachCriteriaSchema>,
  deps: { principal: Principal; store: AssessmentStore; rounds: Pick<RoundsReader, 'get'>; now?: () => Date },
): Promise<{ changed: boolean; setup: AssessmentSetup }> => {
  const round = await loadRound(roundId, deps.rounds);
  if (round.kind !== 'PAR') {
    throw new ConflictError('NOT_PAR_ROUND', 'Chỉ đợt đánh giá Chỉ số CCHC (PAR) mới gắn bộ tiêu chí.');
  }
  const criteria = await deps.store.getCriteria(body.id, body.version);
  if (!criteria) {
    throw new NotFoundError(
      `Không tìm thấy bộ tiêu chí "${body.id}" phiên bản ${body.version}.`,
      'CRITERIA_NOT_FOUND',
    );
  }
  const existing = await deps.store.getSetup(round.id);
  const same =
    existing &&
    existing.criteria.id === body.id &&
    existing.criteria.version === body.version &&
    existing.selfAssessmentDeadline === body.selfAssessmentDeadline &&
    existing.responseWindowHours === body.responseWindowHours;
  if (existing && same) return { changed: false, setup: existing };
  if (
    existing &&
    (existing.criteria.id !== body.id || existing.criteria.version !== body.version) &&
    (await deps.store.listEntries(round.id)).length > 0
  ) {
    throw new ConflictError(
      'CRITERIA_IN_USE',
      'Đơn vị đã chấm điểm theo bộ tiêu chí đang gắn; không thể đổi sang phiên bản khác.',
    );
  }
  const now = (deps.now?.() ?? new Date()).toISOString();
  const setup: AssessmentSetup = {
    roundId: round.id,
    criteria: { id: body.id, version: body.version },
    selfAssessmentDeadline: body.selfAssessmentDeadline,
    responseWindowHours: body.responseWindowHours,
    attachedAt:
      existing && existing.attachedAt >= now
        ? new Date(Date.parse(existing.attachedAt) + 1).toISOString()
        : now,
    attachedBy: deps.principal.sub,
  };
  await deps.store.putSetup(setup, existing?.attachedAt ?? null, {
    roundId: round.id,
    at: setup.attachedAt,
    id: newId('audit'),
    by: deps.principal.sub,
    service: 'assessment',
    action: existing ? 'PAR_CRITERIA_CHANGED' : 'PAR_CRITERIA_ATTACHED',
    target: `${body.id}#${body.version}`,
    details: {
      selfAssessmentDeadline: body.selfAssessmentDeadline,
      responseWindowHours: body.responseWindowHours,
      ...(existing
        ? {
            before: `${existing.criteria.id}#${existing.criteria.version}`,
            beforeDeadline: existing.selfAssessmentDeadline,
          }
        : {}),
    },
  });
  return { changed: true, setup };
};
