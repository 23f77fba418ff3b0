/**
 * Platform configuration: the only place that reads `process.env` for shared concerns.
 * Parsed once (on first use) with zod, so a misconfigured function fails at cold start
 * with a message that names the variable.
 */
import { z } from 'zod';
import {
  type BucketName,
  bucketEnvVar,
  type QueueName,
  queueEnvVar,
  type TableName,
  tableEnvVar,
} from './resources.ts';

const platformEnvSchema = z.object({
  DIEUTRA_STAGE: z.string().min(1).default('local'),
  AWS_REGION: z.string().min(1).default('ap-southeast-1'),
  /** Local runtime only: loopback endpoints of DynamoDB Local and fauxqs. */
  DIEUTRA_ENDPOINT_DYNAMODB: z.url().optional(),
  DIEUTRA_ENDPOINT_SQS: z.url().optional(),
  DIEUTRA_ENDPOINT_S3: z.url().optional(),
  /**
   * Local runtime only: the origin (and path) presigned upload URLs point at — the gateway, which
   * streams `PUT /uploads/…` to fauxqs (no CORS there). In AWS absent: URLs are S3's own.
   */
  DIEUTRA_PUBLIC_S3_ENDPOINT: z.url().optional(),
  /** Local runtime: the secret itself. AWS: the Secrets Manager ARN (read once at cold start). */
  DIEUTRA_SECRET: z.string().min(16).optional(),
  DIEUTRA_SECRET_ARN: z.string().min(1).optional(),
  /** Base of form links; defaults to the request's own host. */
  DIEUTRA_PUBLIC_BASE_URL: z.url().optional(),
  DIEUTRA_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
});

export type PlatformConfig = z.infer<typeof platformEnvSchema>;

let cached: PlatformConfig | undefined;

export class ConfigError extends Error {
  readonly code = 'CONFIG_ERROR';
}

export const platformConfig = (): PlatformConfig => {
  if (!cached) {
    const parsed = platformEnvSchema.safeParse(process.env);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new ConfigError(`Invalid environment: ${where}`);
    }
    cached = parsed.data;
  }
  return cached;
};

const required = (variable: string): string => {
  const value = process.env[variable];
  if (!value) throw new ConfigError(`Missing environment variable ${variable}`);
  return value;
};

export const tableName = (name: TableName): string => required(tableEnvVar(name));
export const queueUrl = (name: QueueName): string => required(queueEnvVar(name));
export const bucketName = (name: BucketName): string => required(bucketEnvVar(name));

/** For tests: forget the parsed configuration. */
export const resetPlatformConfig = (): void => {
  cached = undefined;
};
