/**
 * The environment the handlers see locally — the same variables CDK sets in AWS, pointing at the
 * loopback engines. It must be in `process.env` before any handler module is imported, because
 * handlers build their SDK clients when their module loads.
 */
import {
  BUCKET_NAMES,
  bucketEnvVar,
  QUEUE_NAMES,
  type QueueName,
  queueEnvVar,
  TABLE_NAMES,
  tableEnvVar,
} from '../../shared/platform/resources.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './clients.ts';
import { localBucketName, localTableName } from './resources-setup.ts';

export interface HandlerEnvInput {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  queueUrls: Record<QueueName, string>;
  secret: string;
  publicBaseUrl: string;
  /** Folder of the local notification outbox (shared/platform/notify.ts). */
  outboxDir?: string;
}

export const buildHandlerEnv = (input: HandlerEnvInput): Record<string, string> => {
  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    DIEUTRA_STAGE: 'local',
    DIEUTRA_ENDPOINT_DYNAMODB: input.dynamodbEndpoint,
    DIEUTRA_ENDPOINT_SQS: input.sqsEndpoint,
    DIEUTRA_ENDPOINT_S3: input.s3Endpoint,
    DIEUTRA_SECRET: input.secret,
    DIEUTRA_PUBLIC_BASE_URL: input.publicBaseUrl,
    ...(input.outboxDir ? { DIEUTRA_OUTBOX_DIR: input.outboxDir } : {}),
  };
  for (const table of TABLE_NAMES) env[tableEnvVar(table)] = localTableName(table);
  for (const queue of QUEUE_NAMES) env[queueEnvVar(queue)] = input.queueUrls[queue];
  for (const bucket of BUCKET_NAMES) env[bucketEnvVar(bucket)] = localBucketName(bucket);
  return env;
};

/** Sets `env` on `process.env`; the returned function puts the previous values back. */
export const applyEnv = (env: Record<string, string>): (() => void) => {
  const previous = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(env)) {
    previous.set(key, process.env[key]);
    process.env[key] = value;
  }
  return () => {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
};
