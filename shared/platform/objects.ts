/** S3 objects of the platform's buckets: presigned PUT URLs and streamed reads. */
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client, s3PresignClient } from './clients.ts';
import { bucketName } from './config.ts';
import type { BucketName } from './resources.ts';

/** A URL that lets its holder PUT one object (any content type) until it expires. */
export const presignPut = (bucket: BucketName, key: string, seconds: number): Promise<string> =>
  getSignedUrl(s3PresignClient(), new PutObjectCommand({ Bucket: bucketName(bucket), Key: key }), {
    expiresIn: seconds,
  });

/** The object's body as a Node stream (read once; open again for another pass). */
export const openObject = async (bucket: BucketName, key: string): Promise<Readable> => {
  const out = await s3Client().send(new GetObjectCommand({ Bucket: bucketName(bucket), Key: key }));
  if (!out.Body) throw new Error(`object ${key} has no body`);
  return out.Body as Readable;
};
