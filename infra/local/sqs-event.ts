/**
 * SQS → Lambda event source mapping, reproduced: the `SQSEvent` AWS builds from a received batch, and
 * the reading of a `ReportBatchItemFailures` response.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

export interface QueueIdentity {
  arn: string;
  region: string;
}

const toLambdaAttribute = (value: MessageAttributeValue): SQSMessageAttribute => {
  const attribute: SQSMessageAttribute = {
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined)
    attribute.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
  return attribute;
};

export const buildSqsRecord = (message: Message, queue: QueueIdentity): SQSRecord => {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? String(Date.now()),
    SenderId: system.SenderId ?? '000000000000',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  };
  for (const key of [
    'AWSTraceHeader',
    'SequenceNumber',
    'MessageGroupId',
    'MessageDeduplicationId',
  ] as const) {
    const value = system[key];
    if (value !== undefined) attributes[key] = value;
  }
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toLambdaAttribute(value),
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: queue.region,
  };
  if (message.MD5OfMessageAttributes !== undefined)
    record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
};

export const buildSqsEvent = (messages: readonly Message[], queue: QueueIdentity): SQSEvent => ({
  Records: messages.map((m) => buildSqsRecord(m, queue)),
});

/**
 * Message ids that failed. As in AWS with `ReportBatchItemFailures`: an empty/absent result means all
 * succeeded; a malformed response or an unknown/empty `itemIdentifier` fails the whole batch.
 */
export const failedMessageIds = (result: unknown, batch: readonly SQSRecord[]): Set<string> => {
  const all = new Set(batch.map((r) => r.messageId));
  if (result === undefined || result === null) return new Set();
  if (typeof result !== 'object') return all;
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
};
