/**
 * Presigned uploads, locally: presigned URLs point at the gateway (`PUT /uploads/<bucket>/<key>?X-Amz-…`,
 * same origin as the console — fauxqs answers no CORS), which streams the body to fauxqs's S3
 * unchanged. When S3 accepted the object, the runtime does what an S3 event notification does in
 * AWS (fauxqs has none): it sends the S3-event-shaped message of every matching notification of
 * shared/platform/resources.ts to its queue.
 */
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { objectCreatedRecord } from '../../shared/contracts/roster-uploads.ts';

export const UPLOAD_PATH_PREFIX = '/uploads/';

export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  eTag: string;
}

export interface UploadTarget {
  /** fauxqs's endpoint (S3, path-style). */
  s3Endpoint: string;
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

const FORWARDED_HEADERS = ['content-length', 'content-type', 'content-md5', 'transfer-encoding'];

/** Streams one PUT to S3 and answers S3's answer; resolves when the client has its answer. */
export const proxyUpload = (
  req: IncomingMessage,
  res: ServerResponse,
  target: UploadTarget,
  onError: (error: unknown) => void,
): Promise<void> =>
  new Promise((resolve) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const where = parseUploadPath(url.pathname);
    const fail = (status: number, code: string, message: string) => {
      req.resume();
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      );
      resolve();
    };
    if (req.method !== 'PUT') return fail(405, 'MethodNotAllowed', 'Only PUT is accepted here');
    if (!where || !target.buckets.has(where.bucket))
      return fail(404, 'NoSuchBucket', 'Unknown upload bucket');
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    const upstream = request(
      new URL(`${url.pathname.slice(UPLOAD_PATH_PREFIX.length - 1)}${url.search}`, target.s3Endpoint),
      { method: 'PUT', headers },
      (answer) => {
        const status = answer.statusCode ?? 502;
        const eTag = String(answer.headers.etag ?? '');
        res.writeHead(status, {
          ...(answer.headers['content-type'] ? { 'content-type': answer.headers['content-type'] } : {}),
          ...(eTag ? { etag: eTag } : {}),
        });
        answer.pipe(res);
        answer.once('end', () => {
          if (status >= 200 && status < 300) {
            target
              .onObjectCreated({ bucket: where.bucket, key: where.key, size, eTag })
              .catch(onError)
              .finally(resolve);
          } else resolve();
        });
      },
    );
    upstream.once('error', (error) => {
      onError(error);
      if (!res.headersSent) fail(502, 'BadGateway', 'S3 is not reachable');
      else {
        res.destroy();
        resolve();
      }
    });
    req.pipe(upstream);
  });

/** The S3 event notification message of one created object (what S3 sends to the queue). */
export const objectCreatedMessage = (object: ObjectCreated, region: string): string =>
  JSON.stringify({ Records: [objectCreatedRecord({ ...object, region })] });
