/**
 * Issue 9 items 2 and 8 on the local runtime: the published manifest + person keys verified offline
 * by the real CLI, XLSX lists for the mail merge, printable letters with QR codes, download audit,
 * unit scoping.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleJwtKey, signConsoleJwt } from '../../infra/local/authorizer.ts';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api, baseUrl, devToken, eventually, unique } from './support/api.ts';

const run = promisify(execFile);

const db = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: process.env.AWS_REGION ?? 'ap-southeast-1',
    }),
  );

const rows = (n: number, unit: string, field: string, prefix: string, offset: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `Người ${prefix} ${i + 1};09${String(3000000 + offset + i).padStart(8, '0')};${prefix}-${i + 1};${field};${unit};0${1 + (i % 9)}/03/2026;${i === 0 ? '=HYPERLINK("x")' : `Số ${i + 1} đường ${prefix}`}`,
  );
const ROSTER = [
  'Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả;Địa chỉ',
  ...rows(7, 'U1', 'Tư pháp', 'A', 0),
  ...rows(6, 'U2', 'Tư pháp', 'B', 7),
  ...rows(2, 'U2', 'Đất đai', 'C', 13),
].join('\r\n');

const XLSX_HEADER = [
  'STT',
  'Mã đơn vị',
  'Đơn vị',
  'Lĩnh vực',
  'Danh sách',
  'Thứ tự',
  'Họ và tên',
  'Số điện thoại',
  'Địa chỉ',
  'Mã phiếu giấy',
  'Liên kết phiếu',
];

const bytes = async (path: string, token?: string) => {
  const res = await fetch(`${baseUrl()}${path}`, {
    headers: { authorization: `Bearer ${token ?? devToken()}` },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
};

const sheetRows = async (buf: Buffer) => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(new Uint8Array(buf).buffer);
  const sheet = book.getWorksheet('Danh sách');
  const out: Array<{ values: unknown[]; types: number[] }> = [];
  sheet?.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1);
    const types: number[] = [];
    row.eachCell({ includeEmpty: true }, (c) => types.push(c.type));
    out.push({ values, types });
  });
  return { sheets: book.worksheets.map((w) => w.name), rows: out };
};

const unitToken = (units: string[]) =>
  signConsoleJwt(consoleJwtKey(devToken()), {
    sub: `focal-${units.join('-')}`,
    name: 'Đầu mối đơn vị',
    roles: ['operator'],
    units,
  });

describe('sampling: published manifest, offline CLI, XLSX lists and letters', () => {
  let roundId = '';
  let sampleId = '';
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dieutra-lists-'));
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('Đợt danh sách bưu điện'),
        year: 2026,
        kind: 'SIPAS',
        units: [
          { code: 'U1', name: 'UBND phường Một', type: 'ward' },
          { code: 'U2', name: 'UBND xã Hai', type: 'commune' },
        ],
        fields: [{ name: 'Tư pháp' }, { code: 'dat-dai', name: 'Đất đai' }],
        schedule: { distributionDate: '2026-04-01T00:00:00+07:00' },
      },
    });
    expect(created.status, created.text).toBe(201);
    roundId = created.json.roundId;
    const up = await api('POST', `/api/rounds/${roundId}/rosters?filename=ds.csv`, { raw: ROSTER });
    expect(up.status).toBe(202);
    await eventually('import completed', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${up.json.importId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    });
    const s = await api('POST', `/api/rounds/${roundId}/samples`, {
      body: { seed: 'xskt-2026-03-30', officialPerStratum: 3, reservePerStratum: 2 },
    });
    expect(s.status).toBe(202);
    sampleId = s.json.sampleId;
    await eventually('draw completed', async () => {
      const m = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
      return m.json?.status === 'completed' ? true : undefined;
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('manifest.json + person-keys.csv verify offline with the CLI; one altered line → that stratum mismatches', async () => {
    const base = `/api/rounds/${roundId}/samples/${sampleId}`;
    const m1 = await api('GET', `${base}/manifest.json`);
    const m2 = await api('GET', `${base}/manifest.json`);
    expect(m1.status).toBe(200);
    expect(m1.text).toBe(m2.text);
    expect(m1.json).toMatchObject({
      format: 'dieutra-sample-manifest-v1',
      roundId,
      sampleId,
      algorithm: 'sha256-rank-v1',
      seed: 'xskt-2026-03-30',
      seedSource: 'request',
      quotas: { officialPerStratum: 3, reservePerStratum: 2 },
      roster: { dossiers: 15 },
    });
    expect(m1.json.roster.versions.map((v: { unitCode: string }) => v.unitCode)).toEqual(['U1', 'U2']);
    const byKey = Object.fromEntries(
      m1.json.strata.map((s: { unitCode: string; fieldCode: string }) => [`${s.unitCode}#${s.fieldCode}`, s]),
    );
    expect(byKey['U2#dat-dai']).toMatchObject({ eligible: 2, shortfall: 1, reserve: [] });
    expect(byKey['U2#dat-dai'].official).toHaveLength(2);
    expect(byKey['U1#tu-phap'].official).toHaveLength(3);
    expect(byKey['U1#tu-phap'].reserve).toHaveLength(2);

    const keys = await api('GET', `${base}/person-keys.csv`);
    expect(keys.status).toBe(200);
    const lines = keys.text.trim().split('\r\n');
    expect(lines[0]).toBe('dossier,personKey,unitCode,fieldCode,completedOn,row');
    expect(lines).toHaveLength(16);
    // Pseudonymous only: no name, phone, address or dossier id leaves in the published files.
    for (const secret of ['Người A', '0930000', '84930', 'Số 2 đường', 'A-1', 'B-2']) {
      expect(keys.text).not.toContain(secret);
      expect(m1.text).not.toContain(secret);
    }

    const manifestPath = join(dir, 'manifest.json');
    const keysPath = join(dir, 'person-keys.csv');
    await writeFile(manifestPath, m1.text);
    await writeFile(keysPath, keys.text);
    const ok = await run('npx', ['tsx', 'scripts/verify-sample.ts', manifestPath, keysPath]);
    expect(ok.stdout).toMatch(/^match +U1 × tu-phap$/m);
    expect(ok.stdout).toMatch(/^match +U2 × tu-phap$/m);
    expect(ok.stdout).toMatch(/^match +U2 × dat-dai$/m);
    expect(ok.stdout).not.toContain('mismatch');
    expect(ok.stdout).toContain('KẾT QUẢ: KHỚP');

    // One U2 × tu-phap line gets another person key: that stratum (and the file hash) no longer match.
    const at = lines.findIndex((l) => l.includes(',U2,tu-phap,'));
    const altered = [...lines];
    const cells = (altered[at] as string).split(',');
    cells[1] = 'f'.repeat(32);
    altered[at] = cells.join(',');
    const alteredPath = join(dir, 'person-keys-altered.csv');
    await writeFile(alteredPath, `${altered.join('\r\n')}\r\n`);
    const bad = await run('npx', ['tsx', 'scripts/verify-sample.ts', manifestPath, alteredPath]).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(bad?.code).toBe(1);
    expect(bad?.stdout).toMatch(/^mismatch +U2 × tu-phap: .*mã băm không khớp/m);
    expect(bad?.stdout).toMatch(/^match +U1 × tu-phap$/m);
    expect(bad?.stdout).toMatch(/^match +U2 × dat-dai$/m);
    expect(bad?.stdout).toContain('KẾT QUẢ: KHÔNG KHỚP — 1/3 tầng');
  });

  it('official.xlsx: Vietnamese headers, grouped by unit and field, formula-safe string cells, byte-identical', async () => {
    const path = `/api/rounds/${roundId}/samples/${sampleId}/official.xlsx`;
    const first = await bytes(path);
    const second = await bytes(path);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('spreadsheetml');
    expect(first.body.equals(second.body)).toBe(true);
    const { sheets, rows: table } = await sheetRows(first.body);
    expect(sheets).toEqual(['Danh sách', 'Tổng hợp']);
    expect(table[0]?.values).toEqual(XLSX_HEADER);
    const data = table.slice(1).map((r) => r.values);
    expect(data).toHaveLength(8);
    expect(data.map((r) => `${r[1]}|${r[3]}|${r[5]}`)).toEqual([
      'U1|Tư pháp|1',
      'U1|Tư pháp|2',
      'U1|Tư pháp|3',
      'U2|Đất đai|1',
      'U2|Đất đai|2',
      'U2|Tư pháp|1',
      'U2|Tư pháp|2',
      'U2|Tư pháp|3',
    ]);
    for (const r of data) {
      expect(r[4]).toBe('Chính thức');
      expect(String(r[6])).toMatch(/^Người [ABC] \d$/);
      expect(String(r[7])).toMatch(/^\+849\d{8}$/);
      expect(String(r[9])).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$/);
      expect(String(r[10])).toMatch(new RegExp(`^${baseUrl()}/f/[A-Za-z0-9_-]{22}$`));
      expect(String(r[8])).not.toMatch(/^=/);
    }
    // Every non-number cell is a string cell (type 3), a formula never (type 6).
    for (const r of table.slice(1)) {
      r.types.forEach((t, i) => {
        expect(t).toBe(i === 0 || i === 5 ? 2 : 3);
      });
    }
    // The same lines as the CSV (codes and links re-derived identically).
    const csv = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`);
    const csvCodes = csv.text
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[9]);
    expect(data.map((r) => r[9])).toEqual(csvCodes);
    const reserve = await sheetRows(
      (await bytes(`/api/rounds/${roundId}/samples/${sampleId}/reserve.xlsx`)).body,
    );
    expect(reserve.rows.slice(1).map((r) => r.values[4])).toEqual(Array(4).fill('Dự phòng'));
    // An address that looks like a formula stays text behind the guard.
    const formulaLike = [...data, ...reserve.rows.slice(1).map((r) => r.values)].filter((r) =>
      String(r[8]).includes('HYPERLINK'),
    );
    expect(formulaLike.length).toBeGreaterThan(0);
    for (const r of formulaLike) expect(r[8]).toBe('\'=HYPERLINK("x")');
  });

  it('letters: one A4 section per active respondent with QR (SVG), code and link, strict CSP, filtered by unit and field', async () => {
    const base = `/api/rounds/${roundId}/samples/${sampleId}`;
    const csv = await api('GET', `${base}/official.csv`);
    const official = csv.text
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','))
      .map((c) => ({ unit: c[1], code: c[9] as string, link: c[10] as string }));
    const page = await api('GET', `${base}/letters`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page.text).toContain('@page{size:A4');
    const sections = page.text.split('<section class="letter"').slice(1);
    expect(sections).toHaveLength(official.length);
    official.forEach((o, i) => {
      const s = sections[i] as string;
      expect(s).toContain('<svg');
      expect(s).toContain(o.code);
      expect(s).toContain(o.link);
      expect(s).toContain('Kính gửi: Ông/Bà');
    });
    expect(page.text).not.toContain('<script');
    // A stored value is escaped, never raw markup (and HTML needs no spreadsheet guard).
    expect(page.text).toContain('=HYPERLINK(&#34;x&#34;)');

    const u2 = await api('GET', `${base}/letters?unit=U2&field=dat-dai`);
    const u2Sections = u2.text.split('<section class="letter"').slice(1);
    expect(u2Sections).toHaveLength(2);
    expect(u2Sections.every((s) => s.includes('data-unit="U2" data-field="dat-dai"'))).toBe(true);
  });

  it('every list download is in the round audit (who, which list, rows) without the data', async () => {
    await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.xlsx`);
    await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/letters?unit=U1`);
    const audit = await db().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('samples')],
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${roundId}` },
      }),
    );
    const entries = (audit.Items ?? []) as Array<{
      action: string;
      target: string;
      by: string;
      details: Record<string, unknown>;
    }>;
    const downloads = entries.filter((e) => e.action === 'LIST_DOWNLOADED');
    expect(downloads.some((d) => d.target === `${sampleId}/official.xlsx` && d.details.rows === 8)).toBe(
      true,
    );
    expect(downloads.some((d) => d.target === `${sampleId}/reserve.xlsx`)).toBe(true);
    expect(
      downloads.some(
        (d) => d.target === `${sampleId}/letters` && d.details.unit === 'U1' && d.details.rows === 3,
      ),
    ).toBe(true);
    expect(downloads.every((d) => d.by === 'dev')).toBe(true);
    const text = JSON.stringify(downloads);
    for (const secret of ['Người', '+849', 'đường', '/f/']) expect(text).not.toContain(secret);
  });

  it('unit scoping: a focal point gets only its unit, no other unit’s letters, no province-wide manifest', async () => {
    const token = await unitToken(['U1']);
    const book = await bytes(`/api/rounds/${roundId}/samples/${sampleId}/official.xlsx`, token);
    expect(book.status).toBe(200);
    const { rows: table } = await sheetRows(book.body);
    expect(table.slice(1).map((r) => r.values[1])).toEqual(['U1', 'U1', 'U1']);
    const own = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/letters`, { token });
    expect(own.text.split('<section class="letter"').slice(1)).toHaveLength(3);
    const other = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/letters?unit=U2`, { token });
    expect(other.status).toBe(403);
    expect(other.json.error.message).toContain('U2');
    const manifest = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/manifest.json`, { token });
    expect(manifest.status).toBe(403);
  });

  it('blind lists: before the distribution date a focal point gets 403 on XLSX and letters', async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('Đợt chưa phát phiếu'),
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'U1', name: 'UBND phường Một', type: 'ward' }],
        fields: [{ name: 'Tư pháp' }],
      },
    });
    const token = await unitToken(['U1']);
    for (const what of ['official.xlsx', 'reserve.xlsx', 'letters']) {
      const res = await api('GET', `/api/rounds/${created.json.roundId}/samples/any/${what}`, { token });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('LISTS_BLIND_UNTIL_DISTRIBUTION');
    }
  });

  it('the CLI refuses a file it cannot read, with exit code 1', async () => {
    const missing = await run('npx', [
      'tsx',
      'scripts/verify-sample.ts',
      join(dir, 'nope.json'),
      join(dir, 'x.csv'),
    ]).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(missing?.code).toBe(1);
    expect(missing?.stdout).toContain('Không đọc được tệp');
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toContain('sha256-rank-v1');
  });
});
