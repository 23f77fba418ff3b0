/**
 * Error paths that the real engines cannot produce on demand (throttling, a lost race):
 * here aws-sdk-client-mock stands in for DynamoDB/SQS. The happy paths are proven against
 * DynamoDB Local and fauxqs in test/integration.
 */
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queueHandler, sendMessages } from '../../shared/platform/queue.ts';

beforeAll(() => {
  process.env.DIEUTRA_TABLE_SUBMISSIONS = 'subs';
  process.env.DIEUTRA_TABLE_RESULTS = 'results';
  process.env.DIEUTRA_QUEUE_ROSTER_CHUNKS_URL = 'https://sqs.test/roster-chunks';
});

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
beforeEach(() => {
  ddb.reset();
  sqs.reset();
});

const stored = {
  tokenHash: 'h',
  roundId: 'r',
  sampleId: 's',
  unitCode: 'U1',
  fieldCode: 'F1',
  templateId: 't',
  answers: { a: 1 },
  bodyHash: 'b1',
  receiptId: 'rcp_1',
  channel: 'web' as const,
  submittedAt: '2026-11-23T00:00:00.000Z',
};

describe('submission store', () => {
  it('a lost conditional write returns the submission that won', async () => {
    const { submissionStore } = await import('../../services/submission/store.ts');
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddb
      .on(GetCommand)
      .resolves({ Item: { pk: 'TOKEN#h', sk: 'SUBMISSION', ...stored, receiptId: 'rcp_first' } });
    const out = await submissionStore().putOnce({ ...stored, receiptId: 'rcp_second' });
    expect(out.created).toBe(false);
    expect(out.stored.receiptId).toBe('rcp_first');
  });

  it('throttling is not mistaken for a duplicate: it propagates', async () => {
    const { submissionStore } = await import('../../services/submission/store.ts');
    ddb
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(submissionStore().putOnce(stored)).rejects.toThrow('slow down');
  });
});

describe('result store', () => {
  const ev = (tokenHash: string, unitCode = 'U1', roundId = 'r') => ({
    roundId,
    unitCode,
    fieldCode: 'F1',
    tokenHash,
  });

  it('a failed batch write propagates so the messages are retried', async () => {
    const { resultStore } = await import('../../services/scoring/store.ts');
    ddb
      .on(BatchWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(resultStore().countReturned(ev('h'.repeat(64)))).rejects.toThrow('slow down');
  });

  it('a batch is one item per round, keyed by its entries: the same batch again is the same item', async () => {
    const { resultStore } = await import('../../services/scoring/store.ts');
    ddb.on(BatchWriteCommand).resolves({});
    const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(64)) as [string, string, string];
    const out = await resultStore().countReturnedMany([ev(a), ev(b), ev(c, 'U2'), ev(a), ev(a, 'U1', 'r2')]);
    expect(out).toEqual({ counted: 4, duplicates: 1 });
    const again = await resultStore().countReturnedMany([ev(a, 'U1', 'r2'), ev(c, 'U2'), ev(b), ev(a)]);
    expect(again).toEqual({ counted: 4, duplicates: 0 });
    const calls = ddb.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(2);
    const items = calls.map((call) =>
      Object.values(call.args[0].input.RequestItems ?? {})
        .flat()
        .map((r) => r.PutRequest?.Item as { pk: string; sk: string; entries: Set<string> }),
    );
    expect(items[0]!.map((i) => i.pk)).toEqual(['ROUND#r', 'ROUND#r2']);
    expect([...items[0]![0]!.entries]).toEqual([
      `U1\u001fF1\u001f${a.slice(0, 16)}`,
      `U1\u001fF1\u001f${b.slice(0, 16)}`,
      `U2\u001fF1\u001f${c.slice(0, 16)}`,
    ]);
    // A redelivery in another order writes the same keys: nothing is counted twice.
    expect(items[1]!.map((i) => i.sk).sort()).toEqual(items[0]!.map((i) => i.sk).sort());
  });
});

describe('queue handler', () => {
  const context = {} as Context;
  const record = (id: string, body: string) => ({
    messageId: id,
    receiptHandle: id,
    body,
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:0:q',
    awsRegion: 'us-east-1',
  });

  it('reports only the failing records: poison, invalid and throttled', async () => {
    const seen: number[] = [];
    const handler = queueHandler('test', z.object({ n: z.number() }), async ({ n }) => {
      if (n === 3) throw new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} });
      seen.push(n);
    });
    const event = {
      Records: [
        record('a', '{"n":1}'),
        record('b', 'not json'),
        record('c', '{"n":"x"}'),
        record('d', '{"n":3}'),
        record('e', '{"n":5}'),
      ],
    } as unknown as SQSEvent;
    const out = await handler(event, context);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['b', 'c', 'd']);
    expect(seen).toEqual([1, 5]);
  });

  it('sendMessages batches by 10 and fails loudly when SQS refuses an entry', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await sendMessages(
      'roster-chunks',
      Array.from({ length: 23 }, (_, i) => ({ i })),
    );
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    await expect(sendMessages('roster-chunks', [{ i: 1 }])).rejects.toThrow('InternalError');
  });
});
