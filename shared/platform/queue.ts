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

/** One record's message, parsed by the queue's schema, or the reason it could not be. */
export type ParsedRecord<M> = { record: SQSRecord; message: M } | { record: SQSRecord; error: Error };

const parseRecord = <M>(schema: z.ZodType<M>, record: SQSRecord): ParsedRecord<M> => {
  let data: unknown;
  try {
    data = JSON.parse(record.body);
  } catch {
    return { record, error: new PoisonMessageError('message body is not JSON') };
  }
  const parsed = schema.safeParse(data);
  return parsed.success
    ? { record, message: parsed.data }
    : { record, error: new PoisonMessageError(`message does not match schema: ${parsed.error.message}`) };
};

const logFailure = (service: string, record: SQSRecord, error: unknown): void => {
  // Logged without the body (it may carry encrypted personal data); retried, then DLQ.
  logger(service).error('record failed', {
    messageId: record.messageId,
    receiveCount: record.attributes.ApproximateReceiveCount,
    error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
  });
};

/**
 * A consumer that handles a whole batch at once (e.g. one transaction for many counter events)
 * and still reports failures per record: `processBatch` gets every parsed message and returns the
 * message ids that failed; records that do not parse are failed without reaching it.
 */
export const queueBatchHandler = <M>(
  service: string,
  schema: z.ZodType<M>,
  processBatch: (messages: Array<{ record: SQSRecord; message: M }>) => Promise<string[]>,
) =>
  middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(withLogContext<SQSEvent, SQSBatchResponse>(service))
    .handler(async (event) => {
      const failed: string[] = [];
      const good: Array<{ record: SQSRecord; message: M }> = [];
      for (const r of event.Records.map((record) => parseRecord(schema, record))) {
        if ('error' in r) {
          logFailure(service, r.record, r.error);
          failed.push(r.record.messageId);
        } else good.push(r);
      }
      if (good.length > 0) failed.push(...(await processBatch(good)));
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    });

/** Runs `process` for each message, one at a time, and returns the ids of those that threw. */
export const eachMessage = async <M>(
  service: string,
  messages: Array<{ record: SQSRecord; message: M }>,
  process: (message: M, record: SQSRecord) => Promise<void>,
): Promise<string[]> => {
  const failed: string[] = [];
  for (const { record, message } of messages) {
    try {
      await process(message, record);
    } catch (error) {
      logFailure(service, record, error);
      failed.push(record.messageId);
    }
  }
  return failed;
};

export const queueHandler = <M>(
  service: string,
  schema: z.ZodType<M>,
  processMessage: (message: M, record: SQSRecord) => Promise<void>,
) => queueBatchHandler(service, schema, (messages) => eachMessage(service, messages, processMessage));

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
