/**
 * Deployment configuration, read once from CDK context (`cdk.json` or `-c key=value`) and
 * validated with zod, so a typo fails `cdk synth` with a clear message instead of deploying
 * something half-configured.
 */
import { z } from 'zod';

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653,
] as const;

/** `-c key=value` always arrives as a string; lists may be given comma-separated. */
const stringList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(z.array(z.string()).min(1));

const positiveInt = z.coerce.number().int().positive();

export const contextSchema = z
  .object({
    /** Part of every stack name (`dieutra-<stage>-stateful`); short so derived names stay under AWS limits. */
    stage: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,15}$/,
        'stage: 1–16 characters, lowercase letters, digits or "-", letter first',
      ),
    /** Issuer of ops JWTs (an external IdP). Without it the stateful stack creates a Cognito user pool. */
    jwtIssuer: z.url({ protocol: /^https$/ }).optional(),
    /** Accepted `aud` / `client_id` values for ops JWTs; required together with `jwtIssuer`. */
    jwtAudience: stringList.optional(),
    /** Where alarm notifications are e-mailed (optional; the SNS topic exists either way). */
    alarmEmail: z.email().optional(),
    /** Steady-state requests/s on the HTTP API default stage (account default is 10,000 for all APIs). */
    apiRateLimit: positiveInt.default(50),
    /** Burst bucket of the default stage (account default is 5,000). */
    apiBurstLimit: positiveInt.default(100),
    logRetentionDays: z.coerce
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
  })
  .refine((c) => (c.jwtIssuer === undefined) === (c.jwtAudience === undefined), {
    message: 'jwtIssuer and jwtAudience must be given together (or neither, to use the Cognito user pool)',
    path: ['jwtAudience'],
  });

export type DeployConfig = z.infer<typeof contextSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the keys of `contextSchema` through `tryGetContext` and validates them. */
export const loadConfig = (getContext: (key: string) => unknown): DeployConfig => {
  const raw = Object.fromEntries(Object.keys(contextSchema.shape).map((key) => [key, getContext(key)]));
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`Invalid CDK context:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
};
