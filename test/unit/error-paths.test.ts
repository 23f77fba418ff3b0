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
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
  it('counts a submission once: a token already in the counter set is a duplicate', async () => {
    const { resultStore } = await import('../../services/scoring/store.ts');
    ddb.on(UpdateCommand).resolves({ Attributes: { counted: new Set(['h']) } });
    const e = { roundId: 'r', unitCode: 'U1', fieldCode: 'F1', tokenHash: 'h' };
    expect(await resultStore().countReturned(e)).toBe(false);
  });

  it('a failed update propagates so the message is retried', async () => {
    const { resultStore } = await import('../../services/scoring/store.ts');
    ddb
      .on(UpdateCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const e = { roundId: 'r', unitCode: 'U1', fieldCode: 'F1', tokenHash: 'h' };
    await expect(resultStore().countReturned(e)).rejects.toThrow('slow down');
  });

  it('a batch makes one set union per unit × field and reports the tokens counted before', async () => {
    const { resultStore } = await import('../../services/scoring/store.ts');
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const c = 'c'.repeat(64);
    ddb
      .on(UpdateCommand, { Key: { pk: 'ROUND#r', sk: 'COUNT#U1#F1' } })
      .resolves({ Attributes: { counted: new Set([a.slice(0, 16)]) } })
      .on(UpdateCommand, { Key: { pk: 'ROUND#r', sk: 'COUNT#U2#F1' } })
      .resolves({});
    const ev = (tokenHash: string, unitCode = 'U1') => ({
      roundId: 'r',
      unitCode,
      fieldCode: 'F1',
      tokenHash,
    });
    const out = await resultStore().countReturnedMany([ev(a), ev(b), ev(c, 'U2'), ev(a)]);
    // a was counted before (and is sent twice here); b and c are new.
    expect(out).toEqual({ counted: 2, duplicates: 2 });
    const calls = ddb.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(2);
    expect(
      calls.map((call) => {
        const values: Record<string, unknown> = call.args[0].input.ExpressionAttributeValues ?? {};
        return [...(values[':t'] as Set<string>)];
      }),
    ).toEqual([[a.slice(0, 16), b.slice(0, 16)], [c.slice(0, 16)]]);
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
