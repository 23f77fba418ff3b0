/**
 * Contract of the `roster-uploads` queue. Producers: S3 itself (an event notification on the uploads
 * bucket, prefix `rosters/`) in AWS — the local runtime's gateway sends the same message when a PUT
 * through it completes; and roster-intake's chunk writer, which asks for an import's quality checks
 * (`{ kind: "quality-checks", roundId, importId }`) once its last chunk is written: they read the
 * whole round, which takes minutes at a province's size, so they run on this queue's long-timeout
 * consumer, not in the 30 s chunk writer. Consumer: roster-intake's parser (`roster-intake-parse`).
 *
 * The body is S3's event notification document (event structure version 2.x):
 *   { "Records": [ { "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
 *                    "s3": { "bucket": { "name" }, "object": { "key", "size", "eTag" } } } ] }
 * Object keys arrive URL-encoded (a space as "+"). When the notification is first configured S3 also
 * sends one `s3:TestEvent` message, which carries no records and is ignored.
 */
import { z } from 'zod';
import { sendMessage } from '../platform/queue.ts';

export const s3EventRecordSchema = z.object({
  eventVersion: z.string(),
  eventSource: z.literal('aws:s3'),
  awsRegion: z.string(),
  eventTime: z.string(),
  eventName: z.string(),
  s3: z.object({
    s3SchemaVersion: z.string().optional(),
    configurationId: z.string().optional(),
    bucket: z.object({ name: z.string().min(1), arn: z.string().optional() }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
export type S3EventRecord = z.infer<typeof s3EventRecordSchema>;

export const s3TestEventSchema = z.object({
  Service: z.literal('Amazon S3'),
  Event: z.literal('s3:TestEvent'),
});

export const qualityChecksMessageSchema = z.object({
  kind: z.literal('quality-checks'),
  roundId: z.string().min(1),
  importId: z.string().min(1),
});
export type QualityChecksMessage = z.infer<typeof qualityChecksMessageSchema>;

export const rosterUploadMessageSchema = z.union([
  z.object({ Records: z.array(s3EventRecordSchema) }),
  s3TestEventSchema,
  qualityChecksMessageSchema,
]);
export type RosterUploadMessage = z.infer<typeof rosterUploadMessageSchema>;

/** The records of a message (none for S3's test event or a quality-checks request). */
export const recordsOf = (message: RosterUploadMessage): S3EventRecord[] =>
  'Records' in message ? message.Records : [];

export const isQualityChecks = (message: RosterUploadMessage): message is QualityChecksMessage =>
  'kind' in message && message.kind === 'quality-checks';

/** Asks for an import's quality checks (roster-intake's chunk writer, when the import completed). */
export const sendQualityChecks = (roundId: string, importId: string): Promise<void> =>
  sendMessage(
    'roster-uploads',
    qualityChecksMessageSchema.parse({ kind: 'quality-checks', roundId, importId }),
  );

/** The object key as stored (S3 URL-encodes keys in events, a space as "+"). */
export const objectKeyOf = (record: S3EventRecord): string =>
  decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));

/** Key prefix the notification listens on (shared/platform/resources.ts BUCKET_NOTIFICATIONS). */
export const ROSTER_UPLOAD_PREFIX = 'rosters/';

/** Where a presigned roster upload is put: one object per upload request. */
export const rosterUploadKey = (roundId: string, uploadId: string): string =>
  `${ROSTER_UPLOAD_PREFIX}${roundId}/${uploadId}`;

/** The round and upload an object key belongs to, or null for a key this service did not hand out. */
export const parseRosterUploadKey = (key: string): { roundId: string; uploadId: string } | null => {
  const match = /^rosters\/([^/]+)\/(upl_[A-Za-z0-9]+)$/.exec(key);
  return match ? { roundId: match[1] as string, uploadId: match[2] as string } : null;
};

/** One S3 "object created" record, as S3 writes it (the local runtime builds its messages with this). */
export const objectCreatedRecord = (input: {
  bucket: string;
  key: string;
  size: number;
  eTag: string;
  region: string;
  now?: Date;
}): S3EventRecord => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: input.region,
  eventTime: (input.now ?? new Date()).toISOString(),
  eventName: 'ObjectCreated:Put',
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'roster-uploads',
    bucket: { name: input.bucket, arn: `arn:aws:s3:::${input.bucket}` },
    object: {
      key: encodeURIComponent(input.key).replace(/%2F/g, '/').replace(/%20/g, '+'),
      size: input.size,
      eTag: input.eTag.replace(/"/g, ''),
      sequencer: Date.now().toString(16).toUpperCase().padStart(16, '0'),
    },
  },
});
