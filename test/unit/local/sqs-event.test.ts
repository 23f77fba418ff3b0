import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { buildSqsEvent, failedMessageIds } from '../../../infra/local/sqs-event.ts';

const queue = { arn: 'arn:aws:sqs:us-east-1:000000000000:scoring-events', region: 'us-east-1' };
const message: Message = {
  MessageId: 'm1',
  ReceiptHandle: 'rh1',
  Body: '{"a":1}',
  MD5OfBody: 'md5',
  MD5OfMessageAttributes: 'md5a',
  Attributes: {
    ApproximateReceiveCount: '2',
    SentTimestamp: '1700000000000',
    SenderId: 'AID',
    ApproximateFirstReceiveTimestamp: '1700000000001',
  },
  MessageAttributes: {
    kind: { DataType: 'String', StringValue: 'x' },
    blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
  },
};

describe('buildSqsEvent', () => {
  it('shapes records like the Lambda event source mapping', () => {
    expect(buildSqsEvent([message], queue)).toEqual({
      Records: [
        {
          messageId: 'm1',
          receiptHandle: 'rh1',
          body: '{"a":1}',
          attributes: {
            ApproximateReceiveCount: '2',
            SentTimestamp: '1700000000000',
            SenderId: 'AID',
            ApproximateFirstReceiveTimestamp: '1700000000001',
          },
          messageAttributes: {
            kind: { stringValue: 'x', stringListValues: [], binaryListValues: [], dataType: 'String' },
            blob: { binaryValue: 'AQI=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
          },
          md5OfBody: 'md5',
          md5OfMessageAttributes: 'md5a',
          eventSource: 'aws:sqs',
          eventSourceARN: queue.arn,
          awsRegion: 'us-east-1',
        },
      ],
    });
  });
});

describe('failedMessageIds', () => {
  const { Records } = buildSqsEvent([message, { ...message, MessageId: 'm2' }], queue);
  it('treats an empty result as full success', () => {
    for (const result of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(failedMessageIds(result, Records)).toEqual(new Set());
    }
  });
  it('returns the reported failures', () => {
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, Records)).toEqual(
      new Set(['m2']),
    );
  });
  it('fails the whole batch on a malformed or unknown identifier', () => {
    for (const result of [
      { batchItemFailures: [{ itemIdentifier: 'zzz' }] },
      { batchItemFailures: [{}] },
      { batchItemFailures: 'm1' },
      'oops',
    ]) {
      expect(failedMessageIds(result, Records)).toEqual(new Set(['m1', 'm2']));
    }
  });
});
