/**
 * Issue 9 on the local runtime: fixed seed, one sample per request (also under concurrency),
 * verification against the stored roster, substitution from the reserve with revoked tokens.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api, eventually } from './support/api.ts';
import { listLinks as linksOf } from './support/drawn.ts';
import { documentClient as db } from './support/dynamo.ts';

const rows = (n: number, unit: string, field: string, prefix: string, offset: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `${offset + i + 1};Người ${prefix} ${i + 1};09${String(2000000 + offset + i).padStart(8, '0')};${prefix}-${i + 1};${field};${unit};0${1 + (i % 9)}/03/2026`,
  );
const ROSTER = [
  'STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả',
  ...rows(8, 'U1', 'Tư pháp', 'A', 0),
  ...rows(5, 'U2', 'Tư pháp', 'B', 8),
  ...rows(2, 'U2', 'Đất đai', 'C', 13),
].join('\r\n');

describe('sampling: fixed seed, verification, substitution', () => {
  let roundId = '';
  let sampleId = '';

  beforeAll(async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: 'Đợt chọn mẫu cố định hạt giống',
        year: 2026,
        kind: 'SIPAS',
        units: [
          { code: 'U1', name: 'UBND phường Một', type: 'ward' },
          { code: 'U2', name: 'UBND xã Hai', type: 'commune' },
        ],
        fields: [{ name: 'Tư pháp' }, { code: 'dat-dai', name: 'Đất đai' }],
        seed: { value: 'xskt-2026-03-02-123456', source: 'Kết quả XSKT 02/03/2026' },
        quota: { kind: 'fixed', official: 3, reserve: 2 },
      },
    });
    expect(created.status).toBe(201);
    roundId = created.json.roundId;
    const up = await api('POST', `/api/rounds/${roundId}/rosters?filename=ds.csv`, { raw: ROSTER });
    expect(up.status).toBe(202);
    await eventually('import completed', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${up.json.importId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    });
  });

  it('a fixed seed refuses any other, naming its source', async () => {
    const res = await api('POST', `/api/rounds/${roundId}/samples`, { body: { seed: 'another' } });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('SEED_FIXED');
    expect(res.json.error.message).toContain('Kết quả XSKT 02/03/2026');
  });

  it('10 concurrent identical requests create exactly one sample, with the round quota', async () => {
    const all = await Promise.all(
      Array.from({ length: 10 }, () => api('POST', `/api/rounds/${roundId}/samples`, { body: {} })),
    );
    expect(all.map((r) => r.status)).toEqual(Array(10).fill(202));
    const ids = new Set(all.map((r) => r.json.sampleId));
    expect(ids.size).toBe(1);
    expect(all.filter((r) => r.json.duplicateRequest === false)).toHaveLength(1);
    sampleId = [...ids][0] as string;
    const m = await eventually('sample completed', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    });
    expect(m.seedSource).toBe('round: Kết quả XSKT 02/03/2026');
    const counts = Object.fromEntries(
      m.strata.map(
        (s: {
          unitCode: string;
          fieldCode: string;
          official: number;
          reserve: number;
          shortfall: number;
        }) => [`${s.unitCode}#${s.fieldCode}`, [s.official, s.reserve, s.shortfall]],
      ),
    );
    expect(counts).toEqual({ 'U1#tu-phap': [3, 2, 0], 'U2#tu-phap': [3, 2, 0], 'U2#dat-dai': [2, 0, 1] });
    const audit = await db().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('samples')],
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${roundId}` },
      }),
    );
    expect((audit.Items ?? []).map((i) => i.action)).toEqual(['SAMPLE_REQUESTED']);
  });

  it('verify matches, and reports the stratum after one stored roster row is altered', async () => {
    const ok = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/verify`);
    expect(ok.status).toBe(200);
    expect(ok.json.match).toBe(true);
    expect(ok.json.strata.every((s: { match: boolean }) => s.match)).toBe(true);
    const table = process.env[tableEnvVar('respondents')];
    const dossiers = await db().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':p': 'DOSSIER#' },
      }),
    );
    const target = (dossiers.Items ?? []).find((d) => d.unitCode === 'U1');
    expect(target).toBeDefined();
    const original = target?.personKey as string;
    await db().send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: target?.pk, sk: target?.sk },
        UpdateExpression: 'SET personKey = :k',
        ExpressionAttributeValues: { ':k': 'ffffffffffffffffffffffffffffffff' },
      }),
    );
    const bad = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/verify`);
    expect(bad.json.match).toBe(false);
    expect(bad.json.rosterHash.match).toBe(false);
    await db().send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: target?.pk, sk: target?.sk },
        UpdateExpression: 'SET personKey = :k',
        ExpressionAttributeValues: { ':k': original },
      }),
    );
    expect((await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/verify`)).json.match).toBe(true);
  });

  it('substitution walks the reserve in rank order and revokes the old token (410), then RESERVE_EXHAUSTED', async () => {
    const before = linksOf(
      (await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`)).text,
    );
    const old = before.find((r) => r.unit === 'U1' && r.rank === 2);
    expect(old?.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    const path = `/api/rounds/${roundId}/samples/${sampleId}/substitutions`;
    const first = await api('POST', path, {
      body: { unitCode: 'U1', fieldCode: 'tu-phap', rank: 2, reason: 'UNREACHABLE', note: 'gọi 3 lần' },
    });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      replaced: { list: 'official', rank: 2, status: 'revoked' },
      activated: { list: 'reserve', rank: 1, status: 'active' },
    });
    const submitted = await api('POST', '/api/submissions', {
      token: null,
      body: { token: old?.token, answers: {} },
    });
    expect(submitted.status).toBe(410);
    expect(submitted.json.error.code).toBe('TOKEN_REVOKED');
    const second = await api('POST', path, {
      body: { unitCode: 'U1', fieldCode: 'tu-phap', rank: 1, reason: 'MOVED' },
    });
    expect(second.json.activated).toEqual({ list: 'reserve', rank: 2, status: 'active' });
    const third = await api('POST', path, {
      body: { unitCode: 'U1', fieldCode: 'tu-phap', rank: 3, reason: 'REFUSED' },
    });
    expect(third.status).toBe(409);
    expect(third.json.error.code).toBe('RESERVE_EXHAUSTED');
    const history = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/strata/U1/tu-phap/history`);
    expect(
      history.json.entries.map(
        (e: { list: string; rank: number; status: string }) => `${e.list[0]}${e.rank}:${e.status}`,
      ),
    ).toEqual(['o1:revoked', 'o2:revoked', 'o3:active', 'r1:active', 'r2:active']);
  });

  it('another draw replaces the sample only with a reason (both in the audit trail)', async () => {
    const refused = await api('POST', `/api/rounds/${roundId}/samples`, {
      body: { officialPerStratum: 2, reservePerStratum: 1 },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('SAMPLE_EXISTS');
    const ok = await api('POST', `/api/rounds/${roundId}/samples`, {
      body: { officialPerStratum: 2, reservePerStratum: 1, reason: 'Quyết định số 12: giảm số phiếu' },
    });
    expect(ok.status).toBe(202);
    expect(ok.json.sampleId).not.toBe(sampleId);
    const old = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
    expect(old.json.supersededBy).toBe(ok.json.sampleId);
    const audit = await db().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('samples')],
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${roundId}` },
      }),
    );
    const actions = (audit.Items ?? []).map((i) => i.action).sort();
    expect(actions).toEqual([
      'LIST_DOWNLOADED',
      'RESPONDENT_SUBSTITUTED',
      'RESPONDENT_SUBSTITUTED',
      'SAMPLE_REQUESTED',
      'SAMPLE_REQUESTED',
      'SAMPLE_SUPERSEDED',
    ]);
    const download = (audit.Items ?? []).find((i) => i.action === 'LIST_DOWNLOADED');
    expect(download).toMatchObject({ by: 'dev', target: `${sampleId}/official.csv`, details: { rows: 8 } });
    expect(JSON.stringify(audit.Items)).not.toContain('Người');
    const superseded = (audit.Items ?? []).find((i) => i.action === 'SAMPLE_SUPERSEDED');
    expect(superseded).toMatchObject({
      by: 'dev',
      reason: 'Quyết định số 12: giảm số phiếu',
      target: sampleId,
    });
  });
});
