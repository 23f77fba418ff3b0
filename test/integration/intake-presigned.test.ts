/**
 * Roster upload through the presigned path on the local runtime (issue 8): `POST …/rosters` with
 * `{ upload: true, filename }` answers a PUT URL on the gateway's own origin; the PUT streams to
 * S3 (fauxqs) and the runtime delivers the S3 event to `roster-uploads`, whose parser imports the
 * object. A 20,000-row roster with addresses imports completely; the same bytes again resolve to
 * the same import; a file-level failure marks the import failed and writes nothing; redelivering
 * the S3 event changes nothing; callers without province-wide admin/operator rights are refused.
 */
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleJwtKey, signConsoleJwt } from '../../infra/local/authorizer.ts';
import { localBucketName } from '../../infra/local/resources-setup.ts';
import { objectCreatedRecord, rosterUploadKey } from '../../shared/contracts/roster-uploads.ts';
import { type ApiResponse, api, baseUrl, devToken, eventually } from './support/api.ts';
import { countRoundItems as countItems } from './support/dynamo.ts';
import { addressedRoster, createAddressedRound, ADDRESSED_HEADER as HEADER } from './support/roster.ts';

const { line, roster } = addressedRoster({
  name: 'Trần Thị Tải',
  phoneBase: 20_000_000,
  dossier: 'HS-P-',
  month: '03',
  street: 'Lê Lợi',
});
const createRound = () => createAddressedRound('intake-presigned');

interface Ticket {
  uploadId: string;
  url: string;
  method: string;
  expiresAt: string;
}

const ask = (roundId: string, filename: string, token?: string): Promise<ApiResponse> =>
  api('POST', `/api/rounds/${roundId}/rosters`, {
    body: { upload: true, filename },
    ...(token ? { token } : {}),
  });

const put = async (ticket: Ticket, body: string | Buffer): Promise<Response> => {
  const res = await fetch(ticket.url, {
    method: ticket.method,
    body,
    headers: { 'content-type': 'text/csv' },
  });
  await res.arrayBuffer();
  return res;
};

/** Polls the upload until the import it resolved to is settled (completed or failed). */
const settled = async (roundId: string, uploadId: string, timeoutMs = 60_000) =>
  eventually(
    `upload ${uploadId} settled`,
    async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${uploadId}`);
      return r.json?.status === 'completed' || r.json?.status === 'failed' ? r.json : undefined;
    },
    timeoutMs,
  );

const uploadThrough = async (roundId: string, filename: string, body: string | Buffer) => {
  const asked = await ask(roundId, filename);
  expect(asked.status).toBe(201);
  const ticket = asked.json as Ticket;
  const res = await put(ticket, body);
  expect(res.status).toBe(200);
  return ticket;
};

describe('roster upload, presigned path', () => {
  let roundId = '';
  beforeAll(async () => {
    roundId = await createRound();
  });

  it('answers a PUT URL on the gateway’s own origin, valid a while', async () => {
    const asked = await ask(roundId, 'danh-sach.csv');
    expect(asked.status).toBe(201);
    const ticket = asked.json as Ticket;
    expect(ticket.method).toBe('PUT');
    expect(ticket.uploadId).toMatch(/^upl_/);
    expect(new URL(ticket.url).origin).toBe(baseUrl());
    expect(new URL(ticket.url).pathname).toContain(
      `/uploads/${localBucketName('uploads')}/rosters/${roundId}/`,
    );
    expect(Date.parse(ticket.expiresAt)).toBeGreaterThan(Date.now());
    const waiting = await api('GET', `/api/rounds/${roundId}/rosters/${ticket.uploadId}`);
    expect(waiting.status).toBe(200);
    expect(waiting.json).toMatchObject({ uploadId: ticket.uploadId, status: 'awaiting-upload' });
  });

  it('a 20,000-row roster with addresses imports completely; the same bytes again give the same import', async () => {
    const csv = roster(20_000);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(3_000_000);
    const ticket = await uploadThrough(roundId, 'quy1-lon.csv', csv);
    const done = await settled(roundId, ticket.uploadId, 280_000);
    expect(done).toMatchObject({
      status: 'completed',
      uploadId: ticket.uploadId,
      duplicateUpload: false,
      dataRows: 20_000,
      valid: 20_000,
      rejected: 0,
      stored: 20_000,
      duplicates: 0,
    });
    expect(done.progress).toEqual({ rowsRead: 20_000, rowsWritten: 20_000, totalRows: 20_000 });
    expect(done.chunkCount).toBeGreaterThan(1);
    expect(done.queuing).toBeUndefined();
    expect(await countItems(roundId, 'DOSSIER#')).toBe(20_000);
    expect(await countItems(roundId, 'PERSON#')).toBe(20_000);
    // The import id is the body path's: the import reads the same under its own id.
    const byId = await api('GET', `/api/rounds/${roundId}/rosters/${done.importId}`);
    expect(byId.json).toMatchObject({ importId: done.importId, status: 'completed', stored: 20_000 });

    // The same bytes again, through a new URL: the earlier import, nothing stored twice.
    const again = await uploadThrough(roundId, 'quy1-lai.csv', csv);
    const second = await eventually('second upload resolved', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${again.uploadId}`);
      return r.json?.importId ? r.json : undefined;
    });
    expect(second).toMatchObject({ importId: done.importId, duplicateUpload: true, status: 'completed' });
    // The same bytes through the body path resolve to it too.
    const body = await api('POST', `/api/rounds/${roundId}/rosters`, { raw: csv, type: 'text/csv' });
    expect(body.json).toEqual({ importId: done.importId, duplicateUpload: true });
    expect(await countItems(roundId, 'DOSSIER#')).toBe(20_000);
    expect(await countItems(roundId, 'PERSON#')).toBe(20_000);
    expect(await countItems(roundId, 'IMPORT#')).toBe(1);

    // S3 delivers at least once: the same event again changes nothing.
    await redeliver(ticket.uploadId, roundId, Buffer.byteLength(csv));
    await new Promise((r) => setTimeout(r, 1_500));
    const after = await api('GET', `/api/rounds/${roundId}/rosters/${done.importId}`);
    expect(after.json).toMatchObject({ status: 'completed', stored: 20_000, chunkCount: done.chunkCount });
    expect(await countItems(roundId, 'DOSSIER#')).toBe(20_000);
  }, 400_000);

  it('a file-level failure marks the import failed with its code and writes nothing', async () => {
    const fresh = await createRound();
    const cases: Array<[string, string | Buffer, string]> = [
      ['rong.csv', '', 'EMPTY_FILE'],
      ['chi-tieu-de.csv', `${HEADER}\r\n`, 'NO_DATA_ROWS'],
      [
        'anh.xlsx',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
        'UNSUPPORTED_FORMAT',
      ],
      [
        'thieu-cot.csv',
        'Họ và tên,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành\nA,H1,Tư pháp,U1,01/02/2026\n',
        'MISSING_COLUMN',
      ],
      // UTF-16 without its byte-order mark: an encoding problem, reported as one.
      ['utf16.csv', Buffer.from(`${HEADER}\n${line(1)}\n`, 'utf16le'), 'UNSUPPORTED_ENCODING'],
    ];
    const seen: string[] = [];
    for (const [filename, body, code] of cases) {
      const ticket = await uploadThrough(fresh, filename, body);
      const done = await settled(fresh, ticket.uploadId);
      seen.push(done.failure?.code);
      if (done.failure?.code !== code) continue;
      expect(done).toMatchObject({ status: 'failed', stored: 0, valid: 0, uploadId: ticket.uploadId });
      expect(done.failure.message).toMatch(/[ạảãáàăâêôơưđ]/i);
      const byId = await api('GET', `/api/rounds/${fresh}/rosters/${done.importId}`);
      expect(byId.json).toMatchObject({ status: 'failed', failure: { code } });
      // Redelivery of the failed file's event changes nothing.
      await redeliver(ticket.uploadId, fresh, Buffer.byteLength(body));
    }
    expect(seen).toEqual(cases.map(([, , code]) => code));
    expect(await countItems(fresh, 'DOSSIER#')).toBe(0);
    expect(await countItems(fresh, 'PERSON#')).toBe(0);
    expect(await countItems(fresh, 'UNITVERSION#')).toBe(0);
    expect(await countItems(fresh, 'IMPORT#')).toBe(cases.length);
  }, 120_000);

  it('refuses callers who are not province-wide admins or operators', async () => {
    const key = consoleJwtKey(devToken());
    const viewer = await signConsoleJwt(key, {
      sub: 'viewer-1',
      name: 'Người xem',
      roles: ['viewer'],
      units: ['*'],
    });
    const unitOperator = await signConsoleJwt(key, {
      sub: 'op-u1',
      name: 'Cán bộ U1',
      roles: ['operator'],
      units: ['U1'],
    });
    const byViewer = await ask(roundId, 'x.csv', viewer);
    expect(byViewer.status).toBe(403);
    expect(byViewer.json.error.code).toBe('FORBIDDEN');
    const byUnit = await ask(roundId, 'x.csv', unitOperator);
    expect(byUnit.status).toBe(403);
    expect(byUnit.json.error.message).toMatch(/toàn bộ đơn vị/);
    const noToken = await api('POST', `/api/rounds/${roundId}/rosters`, {
      body: { upload: true, filename: 'x.csv' },
      token: null,
    });
    expect(noToken.status).toBe(401);
    const bad = await api('POST', `/api/rounds/${roundId}/rosters`, { body: { upload: true } });
    expect(bad.status).toBe(400);
  });
});

/** Sends the S3 event of an upload's object to `roster-uploads` again (S3 delivers at least once). */
const redeliver = async (uploadId: string, roundId: string, size: number): Promise<void> => {
  const sqs = new SQSClient({
    endpoint: inject('sqsEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'roster-uploads' }));
  const record = objectCreatedRecord({
    bucket: localBucketName('uploads'),
    key: rosterUploadKey(roundId, uploadId),
    size,
    eTag: 'redelivered',
    region: 'us-east-1',
  });
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ Records: [record] }) }));
  sqs.destroy();
};
