/**
 * SQS plumbing. Consumers process each record independently and report partial batch
 * failures, so one poison message never blocks or re-runs its neighbours; after
 * maxReceiveCount it lands in the DLQ (which has an alarm). A failure is never swallowed.
 */
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { sqsClient } from './clients.ts';
import { queueUrl } from './config.ts';
import { logger, withLogContext } from './logger.ts';
import type { QueueName } from './resources.ts';

export class PoisonMessageError extends Error {
  readonly code = 'POISON_MESSAGE';
}

export const queueHandler = <M>(
  service: string,
  schema: z.ZodType<M>,
  processMessage: (message: M, record: SQSRecord) => Promise<void>,
) =>
  middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(withLogContext<SQSEvent, SQSBatchResponse>(service))
    .handler(async (event) => {
      const log = logger(service);
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        try {
          let data: unknown;
          try {
            data = JSON.parse(record.body);
          } catch {
            throw new PoisonMessageError('message body is not JSON');
          }
          const parsed = schema.safeParse(data);
          if (!parsed.success)
            throw new PoisonMessageError(`message does not match schema: ${parsed.error.message}`);
          await processMessage(parsed.data, record);
        } catch (error) {
          // Logged without the body (it may carry encrypted personal data); retried, then DLQ.
          log.error('record failed', {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    });

export const sendMessage = async (queue: QueueName, message: unknown): Promise<void> => {
  await sqsClient().send(
    new SendMessageCommand({ QueueUrl: queueUrl(queue), MessageBody: JSON.stringify(message) }),
  );
};

/** Sends up to any number of messages, 10 per call (the SQS batch limit); throws if any fails. */
export const sendMessages = async (queue: QueueName, messages: unknown[]): Promise<void> => {
  for (let i = 0; i < messages.length; i += 10) {
    const slice = messages.slice(i, i + 10);
    const out = await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl(queue),
        Entries: slice.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
      }),
    );
    if (out.Failed && out.Failed.length > 0) {
      throw new Error(
        `SQS refused ${out.Failed.length} message(s): ${out.Failed.map((f) => f.Code).join(', ')}`,
      );
    }
  }
};
