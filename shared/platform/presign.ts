/**
 * Presigned S3 URLs for files that must not pass through a Lambda payload (evidence files, large
 * exports). One client per module, pointed at the local S3 engine (fauxqs, path-style) when the local
 * runtime sets `DIEUTRA_ENDPOINT_S3`. Upload (PUT) URLs are signed for the public S3 endpoint — locally the
 * gateway's `/uploads` proxy, same origin as the console (fauxqs answers no CORS preflight); download
 * (GET) URLs go straight to fauxqs on 127.0.0.1 (a link, not a script request). In AWS they are ordinary
 * SigV4 URLs of the uploads bucket.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3PresignClient } from './clients.ts';
import { bucketName, platformConfig } from './config.ts';
import type { BucketName } from './resources.ts';

let s3: S3Client | undefined;

export const s3Client = (): S3Client => {
  if (!s3) {
    const cfg = platformConfig();
    s3 = new S3Client({
      region: cfg.AWS_REGION,
      ...(cfg.DIEUTRA_ENDPOINT_S3 ? { endpoint: cfg.DIEUTRA_ENDPOINT_S3, forcePathStyle: true } : {}),
      maxAttempts: 5,
    });
  }
  return s3;
};

export const presignPut = (
  bucket: BucketName,
  key: string,
  contentType: string,
  expiresInSeconds: number,
): Promise<string> =>
  getSignedUrl(
    // Locally the upload URL's origin is the gateway's `/uploads` (same origin as the console).
    s3PresignClient(),
    new PutObjectCommand({ Bucket: bucketName(bucket), Key: key, ContentType: contentType }),
    { expiresIn: expiresInSeconds },
  );

export const presignGet = (
  bucket: BucketName,
  key: string,
  expiresInSeconds: number,
  downloadName?: string,
): Promise<string> =>
  getSignedUrl(
    s3Client(),
    new GetObjectCommand({
      Bucket: bucketName(bucket),
      Key: key,
      ...(downloadName
        ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}` }
        : {}),
    }),
    { expiresIn: expiresInSeconds },
  );

/** Size of an object, or null when it does not exist. */
export const objectSize = async (bucket: BucketName, key: string): Promise<number | null> => {
  try {
    const out = await s3Client().send(new HeadObjectCommand({ Bucket: bucketName(bucket), Key: key }));
    return out.ContentLength ?? 0;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error as Error).name === 'NotFound') return null;
    throw error;
  }
};

export const putObject = async (
  bucket: BucketName,
  key: string,
  body: Buffer | string,
  contentType: string,
): Promise<void> => {
  await s3Client().send(
    new PutObjectCommand({ Bucket: bucketName(bucket), Key: key, Body: body, ContentType: contentType }),
  );
};
