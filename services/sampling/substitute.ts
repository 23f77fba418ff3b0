import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/platform/errors.ts';
import { idFrom } from '../../shared/platform/ids.ts';
import {
  type Assignment,
  assignmentKey,
  assignmentStatus,
  type SampleManifest,
} from '../../shared/tables/samples.ts';
import type { SubstitutionRequest } from './schemas.ts';
import type { SampleStore } from './store.ts';

export class ReserveExhaustedError extends AppError {
  constructor(unitCode: string, fieldCode: string) {
    super(
      409,
      'RESERVE_EXHAUSTED',
      `Tầng ${unitCode} / ${fieldCode} đã dùng hết danh sách dự phòng; không còn người để thay.`,
    );
  }
}

const stratumOf = (all: readonly Assignment[], unitCode: string, fieldCode: string) =>
  all.filter((a) => a.unitCode === unitCode && a.fieldCode === fieldCode);

/**
 * Replaces an active official (or an already called-up reserve) of a stratum by the next reserve in
 * rank order that has not been used: the reserve becomes active, the replaced one revoked (its link
 * and code answer 410). The store does it in one conditional transaction, so two concurrent
 * substitutions cannot both take the same reserve or revoke the same person twice.
 */
export const substitute = async (
  manifest: SampleManifest,
  request: SubstitutionRequest,
  principal: Principal,
  deps: { store: Pick<SampleStore, 'listAssignments' | 'substitute'>; now?: () => Date },
): Promise<{ replaced: Assignment; activated: Assignment }> => {
  if (!canAccessUnit(principal, request.unitCode))
    throw new ForbiddenError('Bạn không phụ trách đơn vị này.');
  if (manifest.status !== 'completed') {
    throw new ConflictError('SAMPLE_NOT_READY', 'Mẫu đang được chọn, hãy thử lại sau ít giây.');
  }
  const stratum = stratumOf(
    await deps.store.listAssignments(manifest.sampleId),
    request.unitCode,
    request.fieldCode,
  );
  // The person "at" an official rank is whoever now holds that slot: the official, or the reserve chain after it.
  let replaced = stratum.find((a) => a.list === 'official' && a.rank === request.rank);
  if (!replaced) {
    throw new NotFoundError(
      `Không có người thứ ${request.rank} trong danh sách chính thức của tầng ${request.unitCode} / ${request.fieldCode}.`,
      'ASSIGNMENT_NOT_FOUND',
    );
  }
  const bySk = new Map(stratum.map((a) => [assignmentKey(a).sk, a]));
  while (assignmentStatus(replaced) === 'revoked' && replaced.replacedBy) {
    const next = bySk.get(replaced.replacedBy);
    if (!next) break;
    replaced = next;
  }
  if (assignmentStatus(replaced) !== 'active') {
    throw new ConflictError('ASSIGNMENT_NOT_ACTIVE', 'Người này không còn trong danh sách đang khảo sát.');
  }
  const reserve = stratum
    .filter((a) => a.list === 'reserve' && assignmentStatus(a) === 'inactive')
    .sort((a, b) => a.rank - b.rank)[0];
  if (!reserve) throw new ReserveExhaustedError(request.unitCode, request.fieldCode);
  const at = (deps.now?.() ?? new Date()).toISOString();
  await deps.store.substitute({
    roundId: manifest.roundId,
    replaced,
    reserve,
    at,
    reason: request.reason,
    audit: {
      roundId: manifest.roundId,
      at,
      id: idFrom('sub', manifest.sampleId, assignmentKey(replaced).sk),
      by: principal.sub,
      service: 'sampling',
      action: 'RESPONDENT_SUBSTITUTED',
      target: `${manifest.sampleId}/${request.unitCode}/${request.fieldCode}`,
      reason: request.reason,
      // Ranks and lists only: never the person, the token or the code.
      details: {
        replaced: { list: replaced.list, rank: replaced.rank },
        activated: { list: 'reserve', rank: reserve.rank },
        ...(request.note ? { note: request.note } : {}),
      },
    },
  });
  return {
    replaced: { ...replaced, status: 'revoked', revokedAt: at, revokedReason: request.reason },
    activated: { ...reserve, status: 'active', activatedAt: at },
  };
};

/** A stratum's lists with each slot's status and substitutions, without person data. */
export const stratumHistory = async (
  manifest: SampleManifest,
  unitCode: string,
  fieldCode: string,
  principal: Principal,
  deps: { store: Pick<SampleStore, 'listAssignments'> },
) => {
  if (!canAccessUnit(principal, unitCode)) throw new ForbiddenError('Bạn không phụ trách đơn vị này.');
  const stratum = stratumOf(await deps.store.listAssignments(manifest.sampleId), unitCode, fieldCode);
  return {
    sampleId: manifest.sampleId,
    unitCode,
    fieldCode,
    entries: stratum.map((a) => ({
      list: a.list,
      rank: a.rank,
      status: assignmentStatus(a),
      ...(a.activatedAt ? { activatedAt: a.activatedAt } : {}),
      ...(a.revokedAt ? { revokedAt: a.revokedAt, revokedReason: a.revokedReason } : {}),
      ...(a.replacedBy ? { replacedBy: a.replacedBy } : {}),
    })),
  };
};
