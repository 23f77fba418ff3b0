import { createHash } from 'node:crypto';
import { type SendSamplingRequest, sendSamplingRequest } from '../../shared/contracts/sampling-requests.ts';
import { assertAllowed, canDraw, DRAW_ALGORITHM } from '../../shared/domain/index.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { ConflictError, ValidationError } from '../../shared/platform/errors.ts';
import { idFrom } from '../../shared/platform/ids.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import type { SampleManifest } from '../../shared/tables/samples.ts';
import type { SampleRequest } from './schemas.ts';
import type { SampleStore } from './store.ts';

export interface RequestSampleDeps {
  store: Pick<SampleStore, 'getManifest' | 'createManifest' | 'listManifests' | 'supersede'>;
  importsInProgress: () => Promise<number>;
  /** The round's current roster versions (unit → import): part of the sample's identity. */
  rosterVersions?: () => Promise<ReadonlyArray<{ unitCode: string; importId: string }>>;
  send?: SendSamplingRequest;
  now?: () => Date;
}

/**
 * The roster version a sample draws from: SHA-256 hex of the sorted `unit␟importId` lines of the
 * round's current unit versions. Same request on another roster version = another sample.
 */
export const rosterVersionOf = (versions: ReadonlyArray<{ unitCode: string; importId: string }>): string =>
  createHash('sha256')
    .update(
      versions
        .map((v) => `${v.unitCode}\u001f${v.importId}`)
        .sort()
        .join('\n'),
    )
    .digest('hex');

/** The seed, the quotas and where they come from, after the round's fixed settings apply. */
export const resolveRequest = (
  round: Round,
  request: SampleRequest,
): Pick<
  SampleManifest,
  'seed' | 'seedSource' | 'officialPerStratum' | 'reservePerStratum' | 'quotaPolicy'
> => {
  let seed: string;
  let seedSource: string;
  if (round.seed) {
    if (request.seed !== undefined && request.seed !== round.seed.value) {
      throw new ConflictError(
        'SEED_FIXED',
        `Hạt giống của đợt đã được cố định (nguồn: ${round.seed.source}); không thể dùng hạt giống khác.`,
      );
    }
    seed = round.seed.value;
    seedSource = `round: ${round.seed.source}`;
  } else {
    if (request.seed === undefined) {
      throw new ValidationError(
        'Đợt chưa cố định hạt giống: hãy gửi seed.',
        [{ path: 'seed', code: 'SEED_REQUIRED', message: 'Bắt buộc khi đợt chưa cố định hạt giống.' }],
        'SEED_REQUIRED',
      );
    }
    seed = request.seed;
    seedSource = 'request';
  }
  if (request.officialPerStratum !== undefined && request.reservePerStratum !== undefined) {
    return {
      seed,
      seedSource,
      officialPerStratum: request.officialPerStratum,
      reservePerStratum: request.reservePerStratum,
    };
  }
  const quota = round.quota;
  if (!quota) {
    throw new ValidationError(
      'Đợt chưa có chính sách số phiếu: hãy gửi officialPerStratum và reservePerStratum.',
      [{ path: 'officialPerStratum', code: 'QUOTA_REQUIRED', message: 'Bắt buộc khi đợt chưa có quota.' }],
      'QUOTA_REQUIRED',
    );
  }
  if (quota.kind === 'fixed') {
    return { seed, seedSource, officialPerStratum: quota.official, reservePerStratum: quota.reserve };
  }
  // Per-stratum numbers come from the allocation at draw time; 0 marks "see quotaPolicy".
  return { seed, seedSource, officialPerStratum: 0, reservePerStratum: 0, quotaPolicy: { ...quota } };
};

/**
 * A sample is identified by its request (round, seed, quotas): re-sending the same request returns the
 * same sample and draws nothing new (the manifest is put only if absent, so concurrent identical
 * requests create one). A different draw in a round that already has a sample replaces it only with a
 * stated reason, recorded in the round's audit trail (SAMPLE_SUPERSEDED). A new sample is refused
 * when the round's lifecycle does not allow a draw now (canDraw: e.g. rosters still open before their
 * deadline → 422 ROSTERS_STILL_OPEN).
 */
export const requestSample = async (
  round: Round,
  request: SampleRequest,
  principal: Principal,
  deps: RequestSampleDeps,
): Promise<{ sampleId: string; created: boolean }> => {
  const resolved = resolveRequest(round, request);
  const rosterVersion = deps.rosterVersions ? rosterVersionOf(await deps.rosterVersions()) : undefined;
  const sampleId = idFrom(
    'smp',
    round.id,
    resolved.seed,
    String(resolved.officialPerStratum),
    String(resolved.reservePerStratum),
    ...(resolved.quotaPolicy ? [JSON.stringify(resolved.quotaPolicy)] : []),
    ...(rosterVersion ? [rosterVersion] : []),
  );
  const existing = await deps.store.getManifest(round.id, sampleId);
  if (existing?.status === 'completed') return { sampleId, created: false };
  const now = deps.now?.() ?? new Date();
  // The round's lifecycle decides when a draw may start (422 with the guard's code and message).
  if (!existing) assertAllowed(canDraw(round, now));
  if (!existing && (await deps.importsInProgress()) > 0) {
    throw new ConflictError(
      'IMPORT_IN_PROGRESS',
      'Còn danh sách đang được nhập: hãy chờ nhập xong rồi mới chọn mẫu.',
    );
  }
  const current = existing
    ? undefined
    : (await deps.store.listManifests(round.id)).find((m) => !m.supersededBy && m.sampleId !== sampleId);
  if (current && !request.reason) {
    throw new ConflictError(
      'SAMPLE_EXISTS',
      `Đợt đã có mẫu ${current.sampleId}; chọn mẫu lại cần ghi rõ lý do (reason) và sẽ được lưu vào nhật ký.`,
    );
  }
  const at = now.toISOString();
  const created =
    !existing &&
    (await deps.store.createManifest({
      sampleId,
      roundId: round.id,
      ...resolved,
      algorithm: DRAW_ALGORITHM,
      ...(rosterVersion ? { rosterVersion } : {}),
      status: 'pending',
      requestedAt: at,
      requestedBy: principal.sub,
      ...(current ? { supersedes: current.sampleId, reason: request.reason } : {}),
    }));
  if (created && current) {
    await deps.store.supersede(round.id, current.sampleId, sampleId, {
      at,
      by: principal.sub,
      reason: request.reason as string,
    });
  }
  await (deps.send ?? sendSamplingRequest)({ kind: 'draw', roundId: round.id, sampleId });
  return { sampleId, created };
};
