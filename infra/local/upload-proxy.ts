/**
 * Presigned uploads, locally: presigned URLs point at the gateway (`PUT /uploads/<bucket>/<key>?X-Amz-…`,
 * same origin as the console — fauxqs answers no CORS), which streams the body to fauxqs's S3
 * (in 8 MiB parts: fauxqs takes at most 11 MiB per request). When S3 accepted the object, the runtime does what an S3 event notification does in
 * AWS (fauxqs has none): it sends the S3-event-shaped message of every matching notification of
 * shared/platform/resources.ts to its queue.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { objectCreatedRecord } from '../../shared/contracts/roster-uploads.ts';

export const UPLOAD_PATH_PREFIX = '/uploads/';

export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  eTag: string;
}

export interface UploadTarget {
  /** A client of fauxqs's S3 (path-style). */
  s3: S3Client;
  /** Physical bucket names the proxy accepts; any other answers 404. */
  buckets: ReadonlySet<string>;
  onObjectCreated(object: ObjectCreated): Promise<void>;
}

/** `/uploads/<bucket>/<key…>` → bucket and decoded key, or null. */
export const parseUploadPath = (pathname: string): { bucket: string; key: string } | null => {
  if (!pathname.startsWith(UPLOAD_PATH_PREFIX)) return null;
  const rest = pathname.slice(UPLOAD_PATH_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  try {
    return { bucket: rest.slice(0, slash), key: decodeURIComponent(rest.slice(slash + 1)) };
  } catch {
    return null;
  }
};

/** fauxqs caps one request body at 11 MiB: larger uploads go to it as a multipart upload of these parts. */
const PART_BYTES = 8 * 1024 * 1024;

/** Reads the request in parts of PART_BYTES (the last one shorter); memory: one part. */
async function* partsOf(req: IncomingMessage): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    held.push(chunk);
    size += chunk.length;
    while (size >= PART_BYTES) {
      const all = Buffer.concat(held);
      yield all.subarray(0, PART_BYTES);
      held = [all.subarray(PART_BYTES)];
      size = all.length - PART_BYTES;
    }
  }
  if (size > 0 || held.length === 0) yield Buffer.concat(held);
}

const answerXml = (res: ServerResponse, status: number, code: string, message: string) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
};

/**
 * Streams one PUT into S3 — as one PutObject up to PART_BYTES, else as a multipart upload — and
 * answers 200 with the object's ETag, as S3 answers a presigned PUT. The presigned signature is
 * not checked (fauxqs does not check signatures either).
 */
export const proxyUpload = async (
  req: IncomingMessage,
  res: ServerResponse,
  target: UploadTarget,
  onError: (error: unknown) => void,
): Promise<void> => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const where = parseUploadPath(url.pathname);
  if (req.method !== 'PUT') {
    req.resume();
    return answerXml(res, 405, 'MethodNotAllowed', 'Only PUT is accepted here');
  }
  if (!where || !target.buckets.has(where.bucket)) {
    req.resume();
    return answerXml(res, 404, 'NoSuchBucket', 'Unknown upload bucket');
  }
  const { bucket, key } = where;
  const s3 = target.s3;
  const ContentType = req.headers['content-type'] ?? 'application/octet-stream';
  let uploadId: string | undefined;
  try {
    let size = 0;
    let eTag = '';
    const parts: Array<{ ETag: string; PartNumber: number }> = [];
    for await (const part of partsOf(req)) {
      size += part.length;
      if (parts.length === 0 && uploadId === undefined && part.length < PART_BYTES) {
        // The whole body fits one part: a plain PutObject.
        eTag =
          (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: part, ContentType }))).ETag ??
          '';
        continue;
      }
      uploadId ??= (
        await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType }))
      ).UploadId;
      const PartNumber = parts.length + 1;
      const out = await s3.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: part }),
      );
      parts.push({ ETag: out.ETag ?? '', PartNumber });
    }
    if (uploadId !== undefined) {
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      eTag = done.ETag ?? '';
    }
    res.writeHead(200, { etag: eTag, 'content-length': 0 });
    res.end();
    await target.onObjectCreated({ bucket, key, size, eTag }).catch(onError);
  } catch (error) {
    onError(error);
    if (uploadId !== undefined) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => {});
    }
    if (!res.headersSent) answerXml(res, 502, 'BadGateway', 'S3 did not accept the upload');
    else res.destroy();
  }
};

/** The S3 event notification message of one created object (what S3 sends to the queue). */
export const objectCreatedMessage = (object: ObjectCreated, region: string): string =>
  JSON.stringify({ Records: [objectCreatedRecord({ ...object, region })] });
