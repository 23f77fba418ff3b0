/**
 * The notification contract shared by every adapter (SNS/SES in AWS, the outbox folder locally).
 * A message names a template and its parameters; the caller's renderer turns them into text, so
 * the adapters never know what a message says.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const notificationSchema = z
  .strictObject({
    channel: z.enum(['sms', 'email']),
    to: z.string().min(1).max(254),
    /** Also used as an SES email tag: letters, digits, "-" and "_" only. */
    template: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/),
    params: z.record(z.string(), z.string()),
    /** Same key → same message: the outbox keeps one file, the AWS adapter sends once per container. */
    idempotencyKey: z.string().min(8).max(256),
  })
  .superRefine((m, ctx) => {
    // E.164, as SNS requires (+84…); a plain e-mail address for SES.
    const ok = m.channel === 'sms' ? /^\+[1-9][0-9]{6,14}$/.test(m.to) : z.email().safeParse(m.to).success;
    // The recipient itself stays out of the message (it may end up in a log).
    if (!ok)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: m.channel === 'sms' ? 'not an E.164 phone number' : 'not an e-mail address',
      });
  });
export type Notification = z.infer<typeof notificationSchema>;

export interface Notifier {
  send(message: Notification): Promise<{ id: string }>;
}

export interface RenderedNotification {
  /** E-mail subject; ignored for SMS. */
  subject: string;
  text: string;
}
export type NotificationRenderer = (template: string, params: Record<string, string>) => RenderedNotification;

/** The part of a logger the adapters use (Powertools Logger fits). */
export interface NotifyLog {
  info(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** The message is malformed (a caller bug): nothing was sent. */
export class NotificationMessageError extends Error {
  readonly code = 'INVALID_NOTIFICATION';
  constructor(readonly fields: string[]) {
    super(`Invalid notification: ${fields.join(', ')}`);
    this.name = new.target.name;
  }
}

/**
 * Sending failed. Carries the provider's error name and whether a retry may help, but neither the
 * provider's message nor the original error: both can quote the recipient.
 */
export class NotificationSendError extends Error {
  readonly code = 'NOTIFICATION_FAILED';
  constructor(
    readonly channel: Notification['channel'],
    readonly providerCode: string,
    readonly retryable: boolean,
    readonly httpStatusCode?: number,
    readonly requestId?: string,
  ) {
    super(`Sending the ${channel} notification failed: ${providerCode}${retryable ? ' (retryable)' : ''}`);
    this.name = new.target.name;
  }
}

export const parseNotification = (message: unknown): Notification => {
  const parsed = notificationSchema.safeParse(message);
  if (!parsed.success) {
    throw new NotificationMessageError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`),
    );
  }
  return parsed.data;
};

/** Logged instead of the key (a caller may build a key from anything). */
export const keyHash = (idempotencyKey: string): string =>
  createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32);
