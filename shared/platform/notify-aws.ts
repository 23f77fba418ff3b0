/**
 * AWS notification adapter: SMS through SNS (direct publish, transactional), e-mail through SES v2.
 *
 * Neither service takes an idempotency key, so "once per key" holds here only within one warm
 * container (a bounded map of keys already sent, and in-flight sends shared): a caller that must
 * never send twice across containers records the key first with a conditional write.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  keyHash,
  type Notification,
  type NotificationRenderer,
  NotificationSendError,
  type Notifier,
  type NotifyLog,
  parseNotification,
} from './notify-message.ts';

export interface AwsNotifierOptions {
  sns: SNSClient;
  ses: SESv2Client;
  render: NotificationRenderer;
  log: NotifyLog;
  /** Verified SES identity; required for e-mail. */
  emailFrom?: string;
  /** Alphanumeric sender id where the destination country allows one. */
  smsSenderId?: string;
  /** Keys remembered per container. */
  rememberKeys?: number;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
]);

const toSendError = (channel: Notification['channel'], error: unknown): NotificationSendError => {
  const e = error as {
    name?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  const name = typeof e?.name === 'string' ? e.name : 'UnknownError';
  const status = e?.$metadata?.httpStatusCode;
  const retryable =
    e?.$retryable !== undefined || THROTTLING.has(name) || (status !== undefined && status >= 500);
  return new NotificationSendError(channel, name, retryable, status, e?.$metadata?.requestId);
};

export const awsNotifier = (options: AwsNotifierOptions): Notifier => {
  const limit = options.rememberKeys ?? 1000;
  const sent = new Map<string, string>();
  const inFlight = new Map<string, Promise<{ id: string }>>();

  const deliver = async (message: Notification): Promise<string> => {
    const { subject, text } = options.render(message.template, message.params);
    if (message.channel === 'sms') {
      const out = await options.sns.send(
        new PublishCommand({
          PhoneNumber: message.to,
          Message: text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            ...(options.smsSenderId
              ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: options.smsSenderId } }
              : {}),
          },
        }),
      );
      if (!out.MessageId) throw Object.assign(new Error('no MessageId'), { name: 'MissingMessageId' });
      return out.MessageId;
    }
    if (!options.emailFrom) throw Object.assign(new Error('no sender'), { name: 'EmailSenderNotConfigured' });
    const out = await options.ses.send(
      new SendEmailCommand({
        FromEmailAddress: options.emailFrom,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: text, Charset: 'UTF-8' } },
          },
        },
        EmailTags: [{ Name: 'template', Value: message.template }],
      }),
    );
    if (!out.MessageId) throw Object.assign(new Error('no MessageId'), { name: 'MissingMessageId' });
    return out.MessageId;
  };

  return {
    send(input) {
      const message = parseNotification(input);
      const hash = keyHash(message.idempotencyKey);
      const logLine = { channel: message.channel, template: message.template, keyHash: hash };
      const known = sent.get(hash);
      if (known !== undefined) {
        options.log.info('notification already sent', {
          ...logLine,
          notificationId: known,
          deduplicated: true,
        });
        return Promise.resolve({ id: known });
      }
      const pending = inFlight.get(hash);
      if (pending) return pending;
      const attempt = (async () => {
        try {
          const id = await deliver(message);
          sent.set(hash, id);
          if (sent.size > limit) sent.delete(sent.keys().next().value!);
          options.log.info('notification sent', { ...logLine, notificationId: id, deduplicated: false });
          return { id };
        } catch (error) {
          const failure = toSendError(message.channel, error);
          options.log.error('notification failed', {
            ...logLine,
            providerCode: failure.providerCode,
            retryable: failure.retryable,
            httpStatusCode: failure.httpStatusCode,
            requestId: failure.requestId,
          });
          throw failure;
        } finally {
          inFlight.delete(hash);
        }
      })();
      inFlight.set(hash, attempt);
      return attempt;
    },
  };
};
