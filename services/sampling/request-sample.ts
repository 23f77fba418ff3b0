import { type SendSamplingRequest, sendSamplingRequest } from '../../shared/contracts/sampling-requests.ts';
import { DRAW_ALGORITHM } from '../../shared/domain/index.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { ConflictError } from '../../shared/platform/errors.ts';
import { idFrom } from '../../shared/platform/ids.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import type { SampleRequest } from './schemas.ts';
import type { SampleStore } from './store.ts';

export interface RequestSampleDeps {
  store: Pick<SampleStore, 'getManifest' | 'createManifest'>;
  importsInProgress: () => Promise<number>;
  send?: SendSamplingRequest;
  now?: () => Date;
}

/**
 * A sample is identified by its request (round, seed, quotas): re-sending the same request
 * returns the same sample and draws nothing new. Another draw needs another seed.
 */
export const requestSample = async (
  round: Round,
  request: SampleRequest,
  principal: Principal,
  deps: RequestSampleDeps,
): Promise<{ sampleId: string; created: boolean }> => {
  const sampleId = idFrom(
    'smp',
    round.id,
    request.seed,
    String(request.officialPerStratum),
    String(request.reservePerStratum),
  );
  const existing = await deps.store.getManifest(round.id, sampleId);
  if (existing?.status === 'completed') return { sampleId, created: false };
  if (!existing && (await deps.importsInProgress()) > 0) {
    throw new ConflictError(
      'IMPORT_IN_PROGRESS',
      'Còn danh sách đang được nhập: hãy chờ nhập xong rồi mới chọn mẫu.',
    );
  }
  const created =
    !existing &&
    (await deps.store.createManifest({
      sampleId,
      roundId: round.id,
      ...request,
      algorithm: DRAW_ALGORITHM,
      status: 'pending',
      requestedAt: (deps.now?.() ?? new Date()).toISOString(),
      requestedBy: principal.sub,
    }));
  await (deps.send ?? sendSamplingRequest)({ kind: 'draw', roundId: round.id, sampleId });
  return { sampleId, created };
};
