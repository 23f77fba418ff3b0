/**
 * Roster versions per unit (issue 8 §3): a corrected file replaces the rosters of the units it
 * contains as a new version; the previous version stays in the table (audit); readers see only
 * complete versions — a version still being written is invisible to them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { RespondentStore } from '../../services/roster-intake/store.ts';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api, eventually, unique } from './support/api.ts';

const HEADER = 'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành';
const row = (i: number, unit: string, id = `HS-${i}`) =>
  `Người Thứ ${i},09${String(20_000_000 + i)},${id},Tư pháp,${unit},01/02/2026`;

const uploadAndWait = async (roundId: string, lines: string[]): Promise<string> => {
  const up = await api('POST', `/api/rounds/${roundId}/rosters`, {
    raw: [HEADER, ...lines].join('\n'),
    type: 'text/csv',
  });
  expect(up.status).toBe(202);
  await eventually('import completed', async () => {
    const r = await api('GET', `/api/rounds/${roundId}/rosters/${up.json.importId}`);
    return r.json?.status === 'completed' ? r.json : undefined;
  });
  return up.json.importId as string;
};

const byUnit = (ds: Array<{ unitCode: string; dossierId: string }>) =>
  ds.map((d) => `${d.unitCode}:${d.dossierId}`).sort();

describe('roster versions per unit', () => {
  let roundId = '';
  let store: RespondentStore;
  const db = () =>
    DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: inject('dynamodbEndpoint'),
        region: process.env.AWS_REGION ?? 'ap-southeast-1',
      }),
    );

  beforeAll(async () => {
    // The reader runs in this process, against the runtime's DynamoDB Local.
    process.env.DIEUTRA_ENDPOINT_DYNAMODB = inject('dynamodbEndpoint');
    store = (await import('../../services/roster-intake/store.ts')).respondentStore();
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('versions'),
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
  });

  it('a corrected file for one unit replaces it; the other unit and the old version stay', async () => {
    const v1 = await uploadAndWait(roundId, [row(1, 'U1'), row(2, 'U1'), row(3, 'U1'), row(4, 'U2')]);
    expect(byUnit(await store.listDossiers(roundId))).toEqual(['U1:HS-1', 'U1:HS-2', 'U1:HS-3', 'U2:HS-4']);

    // A version being written (its chunk stored, the import not complete) is not read.
    await store.putDossiers(roundId, 'imp-unfinished', [
      {
        row: 2,
        dossierId: 'HS-X',
        personKey: 'pk-x',
        nameEnc: 'v1.x',
        phoneEnc: 'v1.y',
        phoneKind: 'mobile',
        unitCode: 'U1',
        fieldCode: 'tu-phap',
        completedOn: '2026-02-01',
      },
    ]);
    expect(byUnit(await store.listDossiersOfUnits(roundId, ['U1']))).toEqual([
      'U1:HS-1',
      'U1:HS-2',
      'U1:HS-3',
    ]);

    const v2 = await uploadAndWait(roundId, [row(1, 'U1'), row(2, 'U1'), row(9, 'U1')]);
    expect(v2).not.toBe(v1);
    expect(byUnit(await store.listDossiers(roundId))).toEqual(['U1:HS-1', 'U1:HS-2', 'U1:HS-9', 'U2:HS-4']);
    expect(byUnit(await store.listDossiersOfUnits(roundId, ['U2']))).toEqual(['U2:HS-4']);
    const versions = await store.unitVersions(roundId);
    expect(versions.find((v) => v.unitCode === 'U1')).toMatchObject({ importId: v2, previousImportId: v1 });
    expect(versions.find((v) => v.unitCode === 'U2')).toMatchObject({ importId: v1 });

    // The old version's items are kept for audit.
    const old = await db().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('respondents')],
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':p': `DOSSIER#U1#${v1}#` },
      }),
    );
    expect(old.Items?.map((i) => i.dossierId).sort()).toEqual(['HS-1', 'HS-2', 'HS-3']);

    const audit = await db().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('respondents')],
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${roundId}` },
      }),
    );
    const replaced = (audit.Items ?? []).filter((e) => e.action === 'ROSTER_VERSION_REPLACED');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).toMatchObject({
      target: 'U1',
      details: { unitCode: 'U1', oldImportId: v1, newImportId: v2 },
    });

    // Uploading the first file again resolves to the first import (same bytes), changes nothing.
    const again = await api('POST', `/api/rounds/${roundId}/rosters`, {
      raw: [HEADER, row(1, 'U1'), row(2, 'U1'), row(3, 'U1'), row(4, 'U2')].join('\n'),
      type: 'text/csv',
    });
    expect(again.json).toEqual({ importId: v1, duplicateUpload: true });
    expect(byUnit(await store.listDossiers(roundId))).toEqual(['U1:HS-1', 'U1:HS-2', 'U1:HS-9', 'U2:HS-4']);
  });

  it('a redelivered chunk changes nothing: the same items, counted once', async () => {
    const [v] = (await store.unitVersions(roundId)).filter((x) => x.unitCode === 'U2');
    const before = await store.getImport(roundId, v!.importId);
    const { writeChunk } = await import('../../services/roster-intake/write-chunk.ts');
    const dossiers = await store.listDossiersOfUnits(roundId, ['U2']);
    // The chunk as it travelled (the sealed person fields are not compared by this check).
    const [person] = await store.getPersons(roundId, [dossiers[0]!.personKey]);
    await writeChunk(
      {
        kind: 'roster-chunk',
        roundId,
        importId: v!.importId,
        chunkIndex: 0,
        chunkCount: before!.chunkCount,
        rows: dossiers.map((d) => ({
          row: d.row,
          dossierId: d.dossierId,
          personKey: d.personKey,
          nameEnc: person!.nameEnc,
          phoneEnc: person!.phoneEnc,
          phoneKind: person!.phoneKind,
          unitCode: d.unitCode,
          fieldCode: d.fieldCode,
          completedOn: d.completedOn,
        })),
      },
      store,
    );
    const after = await store.getImport(roundId, v!.importId);
    expect(after).toEqual(before);
    expect(byUnit(await store.listDossiers(roundId))).toEqual(['U1:HS-1', 'U1:HS-2', 'U1:HS-9', 'U2:HS-4']);
  });
});
