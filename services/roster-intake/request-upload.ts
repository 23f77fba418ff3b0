/**
 * Presigned path, first step (issue 8): `POST …/rosters` with `{ "upload": true, "filename" }`
 * answers a presigned PUT URL into the uploads bucket, for files too large for a request body.
 * The same rules as the body path apply when the URL is asked for (role, the round's roster
 * deadline, an admin's audited override); the object's arrival starts the import
 * (parse-upload.ts). The key is random per request; the import id still comes from the bytes.
 */
import { z } from 'zod';
import { rosterUploadKey } from '../../shared/contracts/roster-uploads.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { ForbiddenError } from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import { assertUploadAllowed, type UploadOptions } from './start-import.ts';
import type { RespondentStore } from './store.ts';

export const uploadRequestSchema = z.object({
  upload: z.literal(true),
  filename: z.string().trim().min(1).max(200),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/** How long a presigned URL stays valid. */
export const UPLOAD_URL_SECONDS = 15 * 60;

export interface RequestUploadDeps {
  store: Pick<RespondentStore, 'createUpload'>;
  /** Signs a PUT of `key` into the uploads bucket, valid `seconds`. */
  presignPut(key: string, seconds: number): Promise<string>;
  now?: () => Date;
}

export interface UploadTicket {
  uploadId: string;
  url: string;
  method: 'PUT';
  expiresAt: string;
}

export const requestUpload = async (
  round: Round,
  request: UploadRequest,
  principal: Principal,
  deps: RequestUploadDeps,
  options: UploadOptions = {},
): Promise<UploadTicket> => {
  // A province-scale file crosses units: only province-wide staff may send one this way.
  if (principal.units !== '*') {
    throw new ForbiddenError(
      'Tải tệp lớn qua đường dẫn ký sẵn cần quyền trên toàn bộ đơn vị của tỉnh; cán bộ của một đơn vị hãy gửi danh sách của đơn vị mình trực tiếp trong nội dung yêu cầu.',
    );
  }
  const now = deps.now?.() ?? new Date();
  assertUploadAllowed(round, principal, now, options);
  const uploadId = newId('upl');
  const objectKey = rosterUploadKey(round.id, uploadId);
  const url = await deps.presignPut(objectKey, UPLOAD_URL_SECONDS);
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  await deps.store.createUpload({
    uploadId,
    roundId: round.id,
    filename: request.filename,
    objectKey,
    status: 'awaiting-upload',
    createdAt: now.toISOString(),
    createdBy: principal.sub,
    roles: principal.roles,
    units: principal.units,
    expiresAt,
    ...(options.overrideReason !== undefined ? { overrideReason: options.overrideReason } : {}),
  });
  return { uploadId, url, method: 'PUT', expiresAt };
};
