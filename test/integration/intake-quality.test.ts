/**
 * Roster quality checks, filters and exports over HTTP on the local runtime (issue 8 §4–§5):
 * the same person on several dossiers is one respondent with all dossiers kept (`merged`); a phone
 * on ≥ 3 names is flagged PHONE_SHARED on each (threshold per round); the round's staff phones
 * (stored as blind indexes only) flag STAFF_PHONE; flags are recomputed when a later file changes
 * the picture; filters, CSV/XLSX exports (formula-safe, audited, paged), unit scoping.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api } from './support/api.ts';
import {
  allRespondents,
  byName,
  createRosterRound,
  devUserToken,
  type ImportJson,
  importRoster,
} from './support/roster.ts';

const HEADER = 'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành,Địa chỉ';
const ROSTER = [
  HEADER,
  'Lê Thị Lan,0912345678,A1,TP,LB-TT,01/02/2026,Số 1 phố Huế',
  // The same person (rule 9: whitespace and the phone's spelling do not matter): merged.
  'Lê Thị  Lan,091 234 5678,A2,DD,LB-VH,02/02/2026,Số 1 phố Huế',
  // Another person (diacritics matter) on the same phone: a household of two, not flagged.
  'Lê Thị Lân,0912345678,A3,TP,LB-TT,03/02/2026,',
  'Hộ Một,0987000111,B1,TP,LB-TT,01/02/2026,',
  'Hộ Hai,0987000111,B2,TP,LB-VH,01/02/2026,',
  'Hộ Ba,+84 987 000 111,B3,DD,LB-TT,01/02/2026,',
  '"=HYPERLINK(""http://x"",""bấm"")",0911111111,C1,TP,LB-TT,01/02/2026,-Thôn 3',
  'Cán Bộ,0903 000 999,D1,TP,LB-VH,01/02/2026,',
].join('\r\n');
const FORMULA_NAME = '=HYPERLINK("http://x","bấm")';

const ddb = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: process.env.AWS_REGION ?? 'ap-southeast-1',
    }),
  );
const query = async (pk: string, prefix = '') =>
  (
    await ddb().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('respondents')],
        KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
        ExpressionAttributeValues: prefix ? { ':pk': pk, ':p': prefix } : { ':pk': pk },
      }),
    )
  ).Items ?? [];

const csvLines = (text: string): string[] =>
  text
    .replace(/^\ufeff/, '')
    .split('\r\n')
    .filter(Boolean);

describe('roster quality checks', () => {
  let roundId = '';
  let done: ImportJson;

  beforeAll(async () => {
    roundId = await createRosterRound(['LB-TT', 'LB-VH']);
    // Staff phones before the roster: the import's checks flag them.
    const staff = await api('POST', `/api/rounds/${roundId}/staff-phones`, {
      body: { phones: ['0903.000.999'] },
    });
    expect(staff.status, staff.text).toBe(200);
    expect(staff.json).toEqual({ count: 1, flaggedPersons: 0 });
    done = await importRoster(roundId, ROSTER);
  }, 90_000);

  it('counts read, accepted, rejected, merged, warned and ignored rows; persons flagged per warning', () => {
    expect(done.counts).toEqual({ read: 8, accepted: 8, rejected: 0, merged: 1, warned: 4, ignoredBlank: 0 });
    expect(done.quality).toEqual({ phoneShared: 3, staffPhone: 1 });
  });

  it('one person on several dossiers is one respondent with every dossier kept', async () => {
    const people = byName(await allRespondents(roundId));
    expect(people.size).toBe(7);
    expect(people.get('Lê Thị Lan')).toMatchObject({
      phone: '+84912345678',
      warnings: [],
      dossiers: [
        { dossierId: 'A1', unitCode: 'LB-TT', fieldCode: 'TP', row: 2 },
        { dossierId: 'A2', unitCode: 'LB-VH', fieldCode: 'DD', row: 3 },
      ],
    });
    expect(people.get('Lê Thị Lân')?.warnings).toEqual([]);
  });

  it('flags PHONE_SHARED on each of three names on one phone, STAFF_PHONE on a staff phone', async () => {
    const people = byName(await allRespondents(roundId));
    for (const name of ['Hộ Một', 'Hộ Hai', 'Hộ Ba'])
      expect(people.get(name)?.warnings).toEqual(['PHONE_SHARED']);
    expect(people.get('Cán Bộ')?.warnings).toEqual(['STAFF_PHONE']);
    expect(people.get(FORMULA_NAME)?.warnings).toEqual([]);
  });

  it('stores the phone blind index on the person and staff phones as blind indexes only', async () => {
    const persons = await query(`ROUND#${roundId}`, 'PERSON#');
    expect(persons).toHaveLength(7);
    for (const p of persons) expect(p.phoneIndex).toMatch(/^[0-9a-f]{32}$/);
    // The three names on one phone share one index; Lan and Lân share another.
    const counts = new Map<string, number>();
    for (const p of persons) counts.set(p.phoneIndex, (counts.get(p.phoneIndex) ?? 0) + 1);
    expect([...counts.values()].sort()).toEqual([1, 1, 2, 3]);
    const staff = await query(`ROUND#${roundId}`, 'STAFFPHONE#');
    expect(staff).toHaveLength(1);
    const raw = JSON.stringify(staff);
    for (const clear of ['0903000999', '+84903000999', '903000999']) expect(raw).not.toContain(clear);
  });

  it('filters by warning, unit and field (code or name); refuses unknown filters', async () => {
    const names = async (q: string) => (await allRespondents(roundId, q)).map((p) => p.fullName).sort();
    expect(await names('warning=PHONE_SHARED')).toEqual(['Hộ Ba', 'Hộ Hai', 'Hộ Một']);
    expect(await names('warning=staff_phone')).toEqual(['Cán Bộ']);
    expect(await names('unit=LB-VH')).toEqual(['Cán Bộ', 'Hộ Hai', 'Lê Thị Lan']);
    const vh = byName(await allRespondents(roundId, 'unit=LB-VH'));
    expect(vh.get('Lê Thị Lan')?.dossiers.map((d) => d.dossierId)).toEqual(['A2']);
    expect(await names('field=Đất đai')).toEqual(['Hộ Ba', 'Lê Thị Lan']);
    expect(await names('field=DD&unit=LB-TT')).toEqual(['Hộ Ba']);
    expect(await names('field=TP&warning=PHONE_SHARED&unit=LB-VH')).toEqual(['Hộ Hai']);
    for (const [q, code] of [
      ['warning=NOPE', 'UNKNOWN_WARNING'],
      ['unit=XX', 'UNKNOWN_UNIT'],
      ['field=Y tế', 'UNKNOWN_FIELD'],
    ]) {
      const res = await api('GET', `/api/rounds/${roundId}/respondents?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.json.error.code).toBe(code);
      expect(res.json.error.message).toMatch(/[ạảãáàăâêôơưđ]/i);
    }
  });

  it('a filtered page is filled across sparse person pages, and the cursor walks on', async () => {
    const first = await api('GET', `/api/rounds/${roundId}/respondents?warning=PHONE_SHARED&limit=2`);
    expect(first.json.items).toHaveLength(2);
    const rest = await api(
      'GET',
      `/api/rounds/${roundId}/respondents?warning=PHONE_SHARED&limit=2&cursor=${encodeURIComponent(first.json.cursor)}`,
    );
    const all = [...first.json.items, ...rest.json.items].map((p: { fullName: string }) => p.fullName);
    expect(all.sort()).toEqual(['Hộ Ba', 'Hộ Hai', 'Hộ Một']);
  });

  it('exports respondents.csv: Vietnamese headers, one line per dossier, formula-safe, audited without data', async () => {
    const before = (await query(`AUDIT#${roundId}`)).length;
    const res = await api('GET', `/api/rounds/${roundId}/respondents.csv`);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('x-next-cursor')).toBeNull();
    const lines = csvLines(res.text);
    expect(lines[0]).toBe(
      'Mã người,Họ và tên,Số điện thoại,Loại số,Địa chỉ,Năm sinh,Giới tính,Mã hồ sơ,Mã đơn vị,Lĩnh vực,Ngày hoàn thành,Cảnh báo,Dòng nguồn,Lần nhập',
    );
    expect(lines).toHaveLength(9);
    const formula = lines.find((l) => l.includes(',C1,'));
    expect(formula).toContain(`"'=HYPERLINK(""http://x"",""bấm"")",+84911111111,Di động,'-Thôn 3,`);
    const lan = lines.filter((l) => l.includes('Lê Thị Lan'));
    expect(lan).toHaveLength(2);
    expect(lan[0]).toMatch(
      /^[0-9a-f]{32},Lê Thị Lan,\+84912345678,Di động,Số 1 phố Huế,,,A1,LB-TT,TP,01\/02\/2026,,2,imp_/,
    );
    expect(lines.find((l) => l.includes(',B2,'))).toContain(
      'PHONE_SHARED (Một số điện thoại dùng cho nhiều người)',
    );

    const audit = await query(`AUDIT#${roundId}`);
    expect(audit.length).toBe(before + 1);
    const entry = audit.find((a) => a.action === 'RESPONDENTS_EXPORTED');
    expect(entry).toMatchObject({ by: 'dev', service: 'roster-intake', target: 'respondents.csv' });
    expect(entry?.details).toMatchObject({ format: 'csv', lines: 8 });
    const trail = JSON.stringify(audit);
    for (const clear of ['Lê Thị Lan', '0912345678', '+84912345678', 'phố Huế', 'Hộ Một']) {
      expect(trail).not.toContain(clear);
    }
  });

  it('exports in parts with limit and x-next-cursor / Link rel=next; the parts add up to the whole', async () => {
    const whole = csvLines((await api('GET', `/api/rounds/${roundId}/respondents.csv`)).text).slice(1);
    const parts: string[] = [];
    let next: string | null = `/api/rounds/${roundId}/respondents.csv?limit=3`;
    let calls = 0;
    while (next && calls++ < 10) {
      const res = await api('GET', next);
      expect(res.status).toBe(200);
      const body = csvLines(res.text);
      expect(body.length).toBeLessThanOrEqual(4);
      parts.push(...body.slice(1));
      const link = res.headers.get('link');
      next = link ? (/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? null) : null;
      if (next) expect(res.headers.get('x-next-cursor')).toBeTruthy();
    }
    expect(calls).toBe(3);
    expect(parts).toEqual(whole);
  });

  it('exports respondents.xlsx with string cells behind the formula guard; filters apply', async () => {
    const res = await fetch(`${inject('baseUrl')}/api/rounds/${roundId}/respondents.xlsx?unit=LB-TT`, {
      headers: { authorization: `Bearer ${inject('devToken')}` },
    });
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.getWorksheet('Danh sách');
    expect(sheet?.getRow(1).getCell(2).value).toBe('Họ và tên');
    expect(sheet?.rowCount).toBe(6); // header + A1, A3, B1, B3, C1
    const rows = Array.from({ length: 5 }, (_, i) => sheet?.getRow(i + 2));
    const formula = rows.find((r) => r?.getCell(8).value === 'C1');
    expect(formula?.getCell(2).value).toBe(`'${FORMULA_NAME}`);
    expect(formula?.getCell(2).formula).toBeUndefined();
    expect(formula?.getCell(3).value).toBe('+84911111111');
    expect(formula?.getCell(5).value).toBe("'-Thôn 3");
    expect(formula?.getCell(13).value).toBe(8);
    expect(rows.every((r) => r?.getCell(9).value === 'LB-TT')).toBe(true);
    const audit = await query(`AUDIT#${roundId}`);
    expect(audit.some((a) => a.target === 'respondents.xlsx' && a.details?.unit === 'LB-TT')).toBe(true);
  });

  it('unit scoping: a unit focal point sees only its units (403 for another); a viewer gets no personal data', async () => {
    const tt = await devUserToken('dau-moi-thuong-thanh');
    const mine = byName(await allRespondents(roundId, '', tt));
    expect([...mine.keys()].sort()).toEqual(
      ['Hộ Ba', 'Hộ Một', 'Lê Thị Lan', 'Lê Thị Lân', FORMULA_NAME].sort(),
    );
    expect(mine.get('Lê Thị Lan')?.dossiers.map((d) => d.dossierId)).toEqual(['A1']);
    const other = await api('GET', `/api/rounds/${roundId}/respondents?unit=LB-VH`, { token: tt });
    expect(other.status).toBe(403);
    expect(other.json.error.message).toContain('LB-VH');
    const csv = await api('GET', `/api/rounds/${roundId}/respondents.csv`, { token: tt });
    expect(csv.status).toBe(200);
    const lines = csvLines(csv.text).slice(1);
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.includes(',LB-TT,'))).toBe(true);
    expect(
      (await api('GET', `/api/rounds/${roundId}/respondents.csv?unit=LB-VH`, { token: tt })).status,
    ).toBe(403);
    expect(
      (await api('POST', `/api/rounds/${roundId}/staff-phones`, { body: { phones: [] }, token: tt })).status,
    ).toBe(403);

    const viewer = await devUserToken('lanh-dao-xem');
    for (const path of ['respondents', 'respondents.csv', 'respondents.xlsx']) {
      const res = await api('GET', `/api/rounds/${roundId}/${path}`, { token: viewer });
      expect(res.status, path).toBe(403);
      expect(res.text).not.toContain('Lê Thị');
    }
  });

  it('a staff list with an invalid number is refused whole (422, line numbers, no value) and changes nothing', async () => {
    const res = await api('POST', `/api/rounds/${roundId}/staff-phones`, {
      body: { phones: ['0912345678', 'không có'] },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('INVALID_PHONE');
    expect(res.json.error.message).toContain('dòng 2');
    expect(res.text).not.toContain('0912345678');
    expect(byName(await allRespondents(roundId)).get('Cán Bộ')?.warnings).toEqual(['STAFF_PHONE']);
  });

  it('a new staff list (CSV) replaces the old one and re-flags at once', async () => {
    const res = await api('POST', `/api/rounds/${roundId}/staff-phones`, {
      raw: 'Số điện thoại\r\n0912 345 678\r\n',
      type: 'text/csv',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ count: 1, flaggedPersons: 2 });
    const people = byName(await allRespondents(roundId));
    expect(people.get('Cán Bộ')?.warnings).toEqual([]);
    expect(people.get('Lê Thị Lan')?.warnings).toEqual(['STAFF_PHONE']);
    expect(people.get('Lê Thị Lân')?.warnings).toEqual(['STAFF_PHONE']);
    expect(people.get('Hộ Một')?.warnings).toEqual(['PHONE_SHARED']);
    const audit = await query(`AUDIT#${roundId}`);
    expect(audit.filter((a) => a.action === 'STAFF_PHONES_REPLACED')).toHaveLength(2);
  });
});

describe('quality rules are round config, and flags follow the current rosters', () => {
  it('a round with phoneSharedMinNames 4 does not flag three names on one phone', async () => {
    const roundId = await createRosterRound(['LB-TT', 'LB-VH'], { settings: { phoneSharedMinNames: 4 } });
    const done = await importRoster(roundId, ROSTER);
    expect(done.counts).toMatchObject({ accepted: 8, merged: 1, warned: 0 });
    expect(done.quality).toEqual({ phoneShared: 0, staffPhone: 0 });
    expect(await allRespondents(roundId, 'warning=PHONE_SHARED')).toEqual([]);
  });

  it('a later file that adds a third name flags the earlier persons too; replacing it removes the flags', async () => {
    const roundId = await createRosterRound(['U1', 'U2']);
    const first = await importRoster(
      roundId,
      [HEADER, 'Ông Một,0977000222,X1,TP,U1,01/02/2026,', 'Bà Hai,0977000222,X2,TP,U1,01/02/2026,'].join(
        '\n',
      ),
    );
    expect(first.quality).toEqual({ phoneShared: 0, staffPhone: 0 });
    const second = await importRoster(
      roundId,
      [HEADER, 'Cô Ba,0977000222,Y1,DD,U2,01/02/2026,', 'Chú Tư,0977000333,Y2,DD,U2,01/02/2026,'].join('\n'),
    );
    // This import's own row is counted; the earlier persons are flagged on the respondent.
    expect(second.quality).toEqual({ phoneShared: 1, staffPhone: 0 });
    expect(second.counts.warned).toBe(1);
    expect((await allRespondents(roundId, 'warning=PHONE_SHARED')).map((p) => p.fullName).sort()).toEqual([
      'Bà Hai',
      'Cô Ba',
      'Ông Một',
    ]);
    // A corrected U2 roster without Cô Ba: two names are left on the phone, the flags go.
    await importRoster(roundId, [HEADER, 'Chú Tư,0977000333,Y2,DD,U2,01/02/2026,'].join('\n'));
    expect(await allRespondents(roundId, 'warning=PHONE_SHARED')).toEqual([]);
    expect((await allRespondents(roundId)).map((p) => p.fullName).sort()).toEqual([
      'Bà Hai',
      'Chú Tư',
      'Ông Một',
    ]);
  });
});
