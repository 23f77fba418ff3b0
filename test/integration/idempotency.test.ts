/**
 * Re-sending the same thing never duplicates data: redelivered queue messages, a dossier id
 * that an earlier import already holds, a repeated scoring event. Messages are pushed straight
 * onto the real queues (fauxqs) to play the redelivery that SQS may do at any time.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, eventually, unique } from './support/api.ts';

const sqs = new SQSClient({
  region: 'us-east-1',
  endpoint: inject('sqsEndpoint'),
  useQueueUrlAsEndpoint: false,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const send = async (queue: string, body: unknown) => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(body) }));
};

/** Resolves once the queue holds no message, visible or in flight. */
const drained = (queue: string) =>
  eventually(`${queue} drained`, async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Attributes?.ApproximateNumberOfMessages === '0' &&
      Attributes?.ApproximateNumberOfMessagesNotVisible === '0'
      ? true
      : undefined;
  });

const HEADER = 'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành';
const importFile = async (roundId: string, csv: string) => {
  const res = await api('POST', `/api/rounds/${roundId}/rosters`, { raw: csv });
  expect(res.status).toBe(202);
  return eventually('import completed', async () => {
    const r = await api('GET', `/api/rounds/${roundId}/rosters/${res.json.importId}`);
    return r.json?.status === 'completed' ? r.json : undefined;
  });
};

describe('idempotency on the real queues and tables', () => {
  let roundId = '';
  let first: { importId: string; stored: number };

  beforeAll(async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('idem'),
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'U1', name: 'Một' }],
        fields: [{ code: 'F1', name: 'Hộ tịch' }],
      },
    });
    roundId = created.json.roundId;
    first = await importFile(
      roundId,
      `${HEADER}\nAn,0912000001,D-1,F1,U1,01/02/2026\nBình,0912000002,D-2,F1,U1,02/02/2026\n`,
    );
  });

  it('a dossier id repeated in the same file is reported DUPLICATE_DOSSIER and not stored', async () => {
    // Across files, a unit's later roster is its corrected version (issue 8 §3, see
    // intake-upload-versions.test.ts); within one file the first occurrence is kept (rule 10).
    const second = await importFile(
      roundId,
      `${HEADER}\nChi,0912000003,D-7,F1,U1,03/02/2026\nDũng,0912000004,D-7,F1,U1,03/02/2026\n`,
    );
    expect(second).toMatchObject({ valid: 1, rejected: 1, stored: 1, duplicates: 0 });
    expect(second.errors).toEqual([
      expect.objectContaining({ row: 3, code: 'DUPLICATE_DOSSIER', column: 'Mã hồ sơ' }),
    ]);
  });

  it('a redelivered roster chunk changes nothing', async () => {
    const replay = {
      kind: 'roster-chunk',
      roundId,
      importId: first.importId,
      chunkIndex: 0,
      chunkCount: 1,
      rows: [
        {
          row: 2,
          dossierId: 'D-1',
          personKey: 'replayed-person',
          nameEnc: 'v1.x',
          phoneEnc: 'v1.y',
          phoneKind: 'mobile',
          unitCode: 'U1',
          fieldCode: 'F1',
          completedOn: '2026-02-01',
        },
      ],
    };
    await send('roster-chunks', replay);
    await send('roster-chunks', replay);
    await drained('roster-chunks');
    const again = (await api('GET', `/api/rounds/${roundId}/rosters/${first.importId}`)).json;
    expect(again).toMatchObject({ stored: 2, duplicates: 0, chunksDone: 1 });
    expect(again.errors).toEqual([]);
  });

  it('a repeated submission-accepted event is counted once', async () => {
    const event = {
      kind: 'submission-accepted',
      roundId,
      sampleId: 's',
      unitCode: 'U1',
      fieldCode: 'F1',
      tokenHash: unique('t'),
      receiptId: 'rcp_x',
    };
    await send('scoring-events', event);
    await send('scoring-events', event);
    await send('scoring-events', { ...event, tokenHash: unique('t2') });
    const live = await eventually('two distinct events counted', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/results`);
      return r.json?.live?.[0]?.returned === 2 ? r.json.live : undefined;
    });
    expect(live).toEqual([{ unitCode: 'U1', fieldCode: 'F1', returned: 2 }]);
  });
});
