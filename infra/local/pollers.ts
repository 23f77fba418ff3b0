/**
 * SQS event source mappings, locally: one long-polling loop per queue-triggered function, batches
 * shaped like AWS's `SQSEvent`, `ReportBatchItemFailures` semantics.
 * Failed messages are made visible again after `retryDelaySeconds` (short, instead of the queue's
 * visibility timeout) so retries happen quickly; the queue's redrive policy (fauxqs applies it on
 * receive) moves a message to its DLQ after `maxReceiveCount` receives.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import type { QueueName } from '../../shared/platform/resources.ts';
import { LOCAL_REGION } from './clients.ts';
import type { Invoker } from './invoker.ts';
import type { LocalLogger } from './log.ts';
import { waitUntil } from './ports.ts';
import type { LocalQueue } from './resources-setup.ts';
import { buildSqsEvent, failedMessageIds } from './sqs-event.ts';

const LONG_POLL_SECONDS = 1;
/** SQS returns at most 10 messages per receive. */
const SQS_MAX_RECEIVE = 10;
const ERROR_BACKOFF_MS = 1_000;
/** Within a batching window, the pause between receives that came back short. */
const WINDOW_POLL_MS = 50;

export interface PollerOptions {
  sqs: SQSClient;
  invoker: Invoker;
  queues: Record<QueueName, LocalQueue>;
  functions: readonly FunctionManifest[];
  log: LocalLogger;
  retryDelaySeconds: number;
}

export interface Pollers {
  /** Resolves when every consumed queue is empty (nothing visible, in flight or delayed) and no batch runs. */
  waitForIdle(options?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export const startPollers = (options: PollerOptions): Pollers => {
  const { sqs, invoker, queues, log, retryDelaySeconds } = options;
  let stopping = false;
  let busy = 0;
  const consumers = options.functions.flatMap((fn) =>
    fn.trigger.kind === 'queue'
      ? [
          {
            fn,
            queue: queues[fn.trigger.queue],
            batchSize: fn.trigger.batchSize,
            windowMs: (fn.trigger.maxBatchingWindowSeconds ?? 0) * 1000,
          },
        ]
      : [],
  );
  // One polling loop per unit of the consumer's declared concurrency (like Lambda's pollers).
  const loops = consumers.flatMap((c) =>
    Array.from({ length: (c.fn.trigger.kind === 'queue' && c.fn.trigger.localConcurrency) || 1 }, () => c),
  );

  const settle = async (queue: LocalQueue, messages: readonly Message[], failed: ReadonlySet<string>) => {
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    const retry = messages.filter((m) => failed.has(m.MessageId ?? ''));
    for (const part of chunk(done, SQS_MAX_RECEIVE)) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: part.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    for (const part of chunk(retry, SQS_MAX_RECEIVE)) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queue.url,
          Entries: part.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: stopping ? 0 : retryDelaySeconds,
          })),
        }),
      );
    }
  };

  /**
   * One batch, as the event source mapping gathers it: up to `batchSize` messages, 10 a receive;
   * with a batching window, receiving goes on until the batch is full or the window (counted from
   * the first message) has passed, so a busy queue is consumed in few, large batches.
   */
  const receive = async (queue: LocalQueue, batchSize: number, windowMs: number): Promise<Message[]> => {
    const messages: Message[] = [];
    let wait = LONG_POLL_SECONDS;
    let windowEnds = Number.POSITIVE_INFINITY;
    while (messages.length < batchSize && !stopping) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: Math.min(SQS_MAX_RECEIVE, batchSize - messages.length),
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (messages.length === 0 && Messages.length > 0) windowEnds = Date.now() + windowMs;
      messages.push(...Messages);
      wait = 0;
      if (messages.length === 0) break;
      if (Messages.length < SQS_MAX_RECEIVE) {
        const left = windowEnds - Date.now();
        if (left <= 0) break;
        await new Promise((r) => setTimeout(r, Math.min(WINDOW_POLL_MS, left)));
      }
    }
    return messages;
  };

  const loop = async ({ fn, queue, batchSize, windowMs }: (typeof consumers)[number]): Promise<void> => {
    while (!stopping) {
      try {
        const messages = await receive(queue, batchSize, windowMs);
        if (messages.length === 0) continue;
        busy++;
        try {
          if (stopping) {
            // Shutting down: hand the batch back untouched for the next run.
            await settle(queue, messages, new Set(messages.map((m) => m.MessageId ?? '')));
            continue;
          }
          const event = buildSqsEvent(messages, { arn: queue.arn, region: LOCAL_REGION });
          let failed: Set<string>;
          try {
            failed = failedMessageIds(await invoker.invoke(fn, event), event.Records);
          } catch (error) {
            log.error(
              `${fn.name}: batch of ${messages.length} from ${queue.name} failed; all will be retried`,
              error,
            );
            failed = new Set(event.Records.map((r) => r.messageId));
          }
          if (failed.size > 0)
            log.warn(`${fn.name}: ${failed.size}/${messages.length} message(s) will be retried`);
          await settle(queue, messages, failed);
        } finally {
          busy--;
        }
      } catch (error) {
        if (stopping) break;
        log.error(`${fn.name}: polling ${queue.name} failed`, error);
        await new Promise((r) => setTimeout(r, ERROR_BACKOFF_MS));
      }
    }
  };

  const running = loops.map((c) => loop(c));

  const queueIsEmpty = async (queue: LocalQueue): Promise<boolean> => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return Object.values(Attributes).every((v) => v === '0');
  };

  return {
    async waitForIdle({ timeoutMs = 30_000 } = {}) {
      const watched = [...new Set(consumers.map((c) => c.queue))];
      const idle = await waitUntil(
        async () => busy === 0 && (await Promise.all(watched.map(queueIsEmpty))).every(Boolean) && busy === 0,
        { timeoutMs, intervalMs: 100 },
      );
      if (!idle) throw new Error(`queues still busy after ${timeoutMs} ms`);
    },
    async stop() {
      stopping = true;
      // Each loop ends after its current long poll (≤ 1 s) and batch.
      await Promise.allSettled(running);
    },
  };
};
