import type { Principal } from '../../shared/platform/auth.ts';
import { ConflictError } from '../../shared/platform/errors.ts';
import { idFrom } from '../../shared/platform/ids.ts';
import { sendMessage } from '../../shared/platform/queue.ts';
import type { Round } from '../rounds/schemas.ts';
import { ALGORITHM } from './draw.ts';
import type { DrawMessage, SampleRequest } from './schemas.ts';
import type { SampleStore } from './store.ts';

/**
 * A sample is identified by its request (round, seed, quotas): re-sending the same request
 * returns the same sample and draws nothing new. Another draw needs another seed.
 */
export const requestSample = async (
  round: Round,
  request: SampleRequest,
  principal: Principal,
  deps: { store: SampleStore; importsInProgress: () => Promise<number>; send?: typeof sendMessage },
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
      algorithm: ALGORITHM,
      status: 'pending',
      requestedAt: new Date().toISOString(),
      requestedBy: principal.sub,
    }));
  const message: DrawMessage = { kind: 'draw', roundId: round.id, sampleId };
  await (deps.send ?? sendMessage)('sampling-requests', message);
  return { sampleId, created };
};
