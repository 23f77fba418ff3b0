/**
 * Notifications (one-time codes by SMS, e-mail to staff): one `Notifier` interface, two adapters,
 * chosen by configuration. Locally (`DIEUTRA_STAGE=local`, the default) messages land as files in
 * the outbox folder; in AWS they go through SNS (SMS) and SES (e-mail). `DIEUTRA_NOTIFIER` overrides.
 *
 * Every message gives one log line with its channel, template, id and key hash — never its
 * recipient, parameters or text.
 */
import { join, resolve } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { ConfigError } from './config.ts';
import { logger } from './logger.ts';
import { awsNotifier } from './notify-aws.ts';
import type { NotificationRenderer, Notifier, NotifyLog } from './notify-message.ts';
import { outboxNotifier } from './notify-outbox.ts';

export { awsNotifier } from './notify-aws.ts';
export * from './notify-message.ts';
export { outboxNotifier } from './notify-outbox.ts';

const notifyEnvSchema = z.object({
  DIEUTRA_STAGE: z.string().min(1).default('local'),
  DIEUTRA_NOTIFIER: z.enum(['outbox', 'aws']).optional(),
  /** Outbox folder; default `<data dir>/outbox`. */
  DIEUTRA_OUTBOX_DIR: z.string().min(1).optional(),
  /** The local runtime's data folder (infra/local/config.ts); default `.data` in the current folder. */
  DIEUTRA_DATA_DIR: z.string().min(1).optional(),
  DIEUTRA_EMAIL_FROM: z.email().optional(),
  DIEUTRA_SMS_SENDER_ID: z
    .string()
    .regex(/^[A-Za-z0-9]{1,11}$/, 'SNS sender ids are 1–11 letters or digits')
    .optional(),
  AWS_REGION: z.string().min(1).default('ap-southeast-1'),
});

export type NotifyConfig =
  | { kind: 'outbox'; outboxDir: string }
  | { kind: 'aws'; region: string; emailFrom?: string; smsSenderId?: string };

/** Parse the notification settings from an environment (`process.env` by default). */
export const notifyConfig = (env: Record<string, string | undefined> = process.env): NotifyConfig => {
  const parsed = notifyEnvSchema.safeParse(env);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${where}`);
  }
  const e = parsed.data;
  const kind = e.DIEUTRA_NOTIFIER ?? (e.DIEUTRA_STAGE === 'local' ? 'outbox' : 'aws');
  if (kind === 'outbox') {
    return {
      kind,
      outboxDir: resolve(e.DIEUTRA_OUTBOX_DIR ?? join(e.DIEUTRA_DATA_DIR ?? '.data', 'outbox')),
    };
  }
  return {
    kind,
    region: e.AWS_REGION,
    ...(e.DIEUTRA_EMAIL_FROM ? { emailFrom: e.DIEUTRA_EMAIL_FROM } : {}),
    ...(e.DIEUTRA_SMS_SENDER_ID ? { smsSenderId: e.DIEUTRA_SMS_SENDER_ID } : {}),
  };
};

export interface NotifierDeps {
  render: NotificationRenderer;
  log?: NotifyLog;
  /** AWS only: clients to use instead of new ones (tests). */
  sns?: SNSClient;
  ses?: SESv2Client;
}

/** The adapter the configuration asks for. */
export const createNotifier = (config: NotifyConfig, deps: NotifierDeps): Notifier => {
  const log = deps.log ?? logger('notify');
  if (config.kind === 'outbox') return outboxNotifier({ dir: config.outboxDir, render: deps.render, log });
  return awsNotifier({
    sns: deps.sns ?? new SNSClient({ region: config.region, maxAttempts: 3 }),
    ses: deps.ses ?? new SESv2Client({ region: config.region, maxAttempts: 3 }),
    render: deps.render,
    log,
    ...(config.emailFrom ? { emailFrom: config.emailFrom } : {}),
    ...(config.smsSenderId ? { smsSenderId: config.smsSenderId } : {}),
  });
};

let cached: Notifier | undefined;

/** One notifier per container (clients created once, outside handlers). */
export const notifier = (render: NotificationRenderer): Notifier => {
  cached ??= createNotifier(notifyConfig(), { render });
  return cached;
};

/** For tests: forget the cached notifier. */
export const resetNotifier = (): void => {
  cached = undefined;
};
