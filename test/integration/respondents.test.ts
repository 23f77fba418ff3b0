/**
 * Every parsed roster field is stored (sealed) and read back by an authorised ops user: upload
 * through the gateway, read through the gateway as the province-wide admin, and through the same
 * handler with a unit-scoped operator's claims (the dev token is always province-wide).
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { HttpEvent } from '../../shared/platform/http.ts';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api, eventually, unique } from './support/api.ts';

const ROSTER = [
  'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành,Địa chỉ,Năm sinh,Giới tính',
  'Lê Thị Lan,0912345678,R-1,Tư pháp,U1,01/02/2026,"Số 1 phố Huế, Hà Nội",1980,Nữ',
  'Trần Văn Nam,0912345679,R-2,Tư pháp,U2,02/02/2026,Thôn Đông,1975,Nam',
  'Lê Thị Lan,0912345678,R-3,Tư pháp,U2,03/02/2026,"Số 1 phố Huế, Hà Nội",1980,Nữ',
].join('\r\n');

interface RespondentItem {
  personKey: string;
  fullName: string;
  phone: string;
  phoneKind: string;
  address: string | null;
  birthYear: number | null;
  sex: string | null;
  dossiers: Array<{
    dossierId: string;
    unitCode: string;
    fieldCode: string;
    completedOn: string;
    row: number;
  }>;
}

describe('stored respondents', () => {
  let roundId = '';

  beforeAll(async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('respondents'),
        year: 2026,
        kind: 'SIPAS',
        units: [
          { code: 'U1', name: 'Một' },
          { code: 'U2', name: 'Hai' },
        ],
        fields: [{ name: 'Tư pháp' }],
      },
    });
    roundId = created.json.roundId;
    const up = await api('POST', `/api/rounds/${roundId}/rosters`, { raw: ROSTER });
    expect(up.status).toBe(202);
    await eventually('import completed', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${up.json.importId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    });
  });

  it('stores address, birth year and sex sealed, never in clear', async () => {
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: inject('dynamodbEndpoint'),
        region: process.env.AWS_REGION ?? 'ap-southeast-1',
      }),
    );
    const out = await db.send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('respondents')],
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':p': 'PERSON#' },
      }),
    );
    expect(out.Items).toHaveLength(2);
    for (const item of out.Items ?? []) {
      expect(Object.keys(item)).toEqual(
        expect.arrayContaining(['nameEnc', 'phoneEnc', 'addressEnc', 'birthYearEnc', 'sexEnc']),
      );
    }
    const raw = JSON.stringify(out.Items);
    for (const clear of ['Lê Thị Lan', 'phố Huế', 'Thôn Đông', '1980', 'Nữ', '0912345678']) {
      expect(raw).not.toContain(clear);
    }
  });

  it('an admin of every unit reads every field back, with the person’s dossiers', async () => {
    const res = await api('GET', `/api/rounds/${roundId}/respondents?limit=10`);
    expect(res.status).toBe(200);
    const items = res.json.items as RespondentItem[];
    const lan = items.find((p) => p.fullName === 'Lê Thị Lan');
    expect(lan).toMatchObject({
      phone: '+84912345678',
      phoneKind: 'mobile',
      address: 'Số 1 phố Huế, Hà Nội',
      birthYear: 1980,
      sex: 'Nữ',
    });
    expect(lan?.dossiers.map((d) => [d.dossierId, d.unitCode, d.fieldCode, d.completedOn, d.row])).toEqual([
      ['R-1', 'U1', 'tu-phap', '2026-02-01', 2],
      ['R-3', 'U2', 'tu-phap', '2026-02-03', 4],
    ]);
    expect(items.map((p) => p.fullName).sort()).toEqual(['Lê Thị Lan', 'Trần Văn Nam']);
  });

  it('pages with limit and cursor', async () => {
    const first = await api('GET', `/api/rounds/${roundId}/respondents?limit=1`);
    expect(first.json.items).toHaveLength(1);
    expect(typeof first.json.cursor).toBe('string');
    const second = await api(
      'GET',
      `/api/rounds/${roundId}/respondents?limit=1&cursor=${encodeURIComponent(first.json.cursor)}`,
    );
    expect(second.json.items).toHaveLength(1);
    expect(second.json.items[0].personKey).not.toBe(first.json.items[0].personKey);
    const bad = await api('GET', `/api/rounds/${roundId}/respondents?cursor=nope`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('INVALID_CURSOR');
  });

  it('a unit-scoped operator sees only persons and dossiers of its units; a viewer is refused', async () => {
    const { handler } = await import('../../services/roster-intake/handlers/api.ts');
    const call = async (claims: Record<string, string>) => {
      const event = {
        version: '2.0',
        routeKey: 'GET /api/rounds/{roundId}/respondents',
        rawPath: `/api/rounds/${roundId}/respondents`,
        rawQueryString: '',
        headers: { host: 'test.local' },
        pathParameters: { roundId },
        requestContext: {
          domainName: 'test.local',
          requestId: 'respondents-test',
          http: { method: 'GET', path: `/api/rounds/${roundId}/respondents` },
          authorizer: { jwt: { claims, scopes: null } },
        },
        isBase64Encoded: false,
      } as unknown as HttpEvent;
      const res = (await handler(event, { awsRequestId: 'respondents-test' } as Context)) as {
        statusCode: number;
        body: string;
      };
      return { status: res.statusCode, json: JSON.parse(res.body) };
    };
    const scoped = await call({ sub: 'op-u1', roles: 'operator', units: 'U1' });
    expect(scoped.status).toBe(200);
    const items = scoped.json.items as RespondentItem[];
    expect(items.map((p) => p.fullName)).toEqual(['Lê Thị Lan']);
    expect(items[0]?.dossiers.map((d) => d.unitCode)).toEqual(['U1']);
    expect((await call({ sub: 'v', roles: 'viewer', units: '*' })).status).toBe(403);
  });
});
