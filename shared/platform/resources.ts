/**
 * Stateful resources, declared once. The CDK stateful stack and the local runtime
 * (infra/local) both build tables, queues and buckets from these definitions, so the
 * two can never drift apart.
 */

export const TABLE_NAMES = [
  'rounds',
  'respondents',
  'samples',
  'submissions',
  'results',
  'assessments',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export const QUEUE_NAMES = [
  'roster-chunks',
  'roster-uploads',
  'sampling-requests',
  'sampling-parts',
  'scoring-events',
  'scoring-parts',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const BUCKET_NAMES = ['uploads'] as const;
export type BucketName = (typeof BUCKET_NAMES)[number];

export interface IndexDef {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface TableDef {
  name: TableName;
  /** Every table uses generic string keys `pk` / `sk` (one table per bounded context). */
  partitionKey: 'pk';
  sortKey: 'sk';
  indexes: IndexDef[];
  /** Attribute that holds an epoch-seconds expiry, if the table uses TTL. */
  ttlAttribute?: string;
}

export interface QueueDef {
  name: QueueName;
  /** Must be ≥ 6 × the consumer's timeout in AWS; the local poller uses it as the retry delay. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message goes to `<name>-dlq`. */
  maxReceiveCount: number;
}

const gsi1: IndexDef = { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' };

export const TABLES: Record<TableName, TableDef> = {
  rounds: { name: 'rounds', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1] },
  respondents: { name: 'respondents', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1] },
  samples: { name: 'samples', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1] },
  submissions: { name: 'submissions', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1] },
  results: { name: 'results', partitionKey: 'pk', sortKey: 'sk', indexes: [] },
  assessments: { name: 'assessments', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1] },
};

export const QUEUES: Record<QueueName, QueueDef> = {
  'roster-chunks': { name: 'roster-chunks', visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
  // S3 "object created" events of presigned roster uploads; the parser may run up to 15 minutes.
  'roster-uploads': { name: 'roster-uploads', visibilityTimeoutSeconds: 5400, maxReceiveCount: 3 },
  'sampling-requests': { name: 'sampling-requests', visibilityTimeoutSeconds: 900, maxReceiveCount: 3 },
  'sampling-parts': { name: 'sampling-parts', visibilityTimeoutSeconds: 1800, maxReceiveCount: 5 },
  'scoring-events': { name: 'scoring-events', visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
  'scoring-parts': { name: 'scoring-parts', visibilityTimeoutSeconds: 1800, maxReceiveCount: 3 },
};

/**
 * S3 → SQS event notifications ("object created" under a key prefix). CDK adds them to the bucket;
 * the local runtime (fauxqs has no notifications) sends the same S3-event message itself when an
 * upload through its gateway completes.
 */
export interface BucketNotificationDef {
  bucket: BucketName;
  prefix: string;
  queue: QueueName;
}

export const BUCKET_NOTIFICATIONS: readonly BucketNotificationDef[] = [
  { bucket: 'uploads', prefix: 'rosters/', queue: 'roster-uploads' },
];

export const dlqName = (queue: QueueName): string => `${queue}-dlq`;

const envKey = (name: string): string => name.toUpperCase().replace(/-/g, '_');

/** Environment variable that carries a table's physical name to a function. */
export const tableEnvVar = (name: TableName): string => `DIEUTRA_TABLE_${envKey(name)}`;
/** Environment variable that carries a queue's URL to a function. */
export const queueEnvVar = (name: QueueName): string => `DIEUTRA_QUEUE_${envKey(name)}_URL`;
/** Environment variable that carries a bucket's name to a function. */
export const bucketEnvVar = (name: BucketName): string => `DIEUTRA_BUCKET_${envKey(name)}`;
