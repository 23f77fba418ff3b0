/**
 * Microdata and result exports over HTTP (issue 11 §5, §6): one row per form and one column per question
 * of the round's template, no token, hash, receipt or person key anywhere (JSON pages with a sealed
 * cursor, CSV, XLSX); free text exactly as stored in JSON and formula-neutralised in spreadsheets;
 * results.csv / results.xlsx with one table per level, small cells suppressed for a viewer exactly as
 * the API does and not for the admin.
 */

import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleJwtKey, signConsoleJwt } from '../../infra/local/authorizer.ts';
import { allQuestions, DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { hashToken } from '../../shared/platform/crypto.ts';
import { api, baseUrl, devToken, eventually, unique } from './support/api.ts';
import { drawnTokens, smallRoster } from './support/drawn.ts';

const template = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS);
const questions = allQuestions(template);
const questionIds = questions.map((q) => q.id);

/** A complete, valid form: every scale item at `level`, every choice its first option, `text` in free text. */
const form = (level: number, text?: string): Record<string, unknown> => {
  const answers: Record<string, unknown> = {};
  for (const q of questions) {
    if (q.type === 'scale') answers[q.id] = level;
    else if (q.type === 'single') answers[q.id] = q.options?.[0]?.value;
    else if (q.type === 'multi') answers[q.id] = [q.options?.[0]?.value, q.options?.[1]?.value];
    else if (q.type === 'text' && text !== undefined) answers[q.id] = text;
  }
  return answers;
};
const textQuestion = questions.find((q) => q.type === 'text')!.id;
const multiQuestion = questions.find((q) => q.type === 'multi')!.id;

const TEXTS = {
  formula: '=HYPERLINK("http://example.com/x","bấm vào đây")',
  multiline: 'Dòng một, có dấu phẩy\nDòng hai "trích dẫn"',
  plus: '+84 cảm ơn',
};

const jwt = (sub: string, roles: string[], units: string[]) =>
  signConsoleJwt(consoleJwtKey(devToken()), { sub, name: sub, roles, units });

const download = async (path: string, token: string) => {
  const res = await fetch(`${baseUrl()}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: Buffer.from(await res.arrayBuffer()),
  };
};
const readCsv = (body: Buffer): string[][] =>
  parse(body.toString('utf8').replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][];
const readXlsx = async (body: Buffer) => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  return book;
};

describe('microdata and result exports', () => {
  let roundId = '';
  const tokens: Record<string, string[]> = {};
  const receipts: string[] = [];
  let viewer = '';
  let operator = '';
  let scopedViewer = '';

  beforeAll(async () => {
    viewer = await jwt('lanh-dao', ['viewer'], ['*']);
    operator = await jwt('dau-moi-u1', ['operator'], ['U1']);
    scopedViewer = await jwt('xem-u1', ['viewer'], ['U1']);
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('SIPAS xuất kết quả'),
        year: 2026,
        kind: 'SIPAS',
        units: [
          { code: 'U1', name: 'UBND phường Một' },
          { code: 'U2', name: '=Phường Hai' },
        ],
        fields: [{ code: 'tu-phap', name: 'Tư pháp' }],
        settings: { minCellSize: 3 },
      },
    });
    expect(created.status).toBe(201);
    roundId = created.json.roundId;
    const roster = smallRoster({
      person: 'Người dân',
      phone: '09150000',
      dossier: 'X',
      field: 'tu-phap',
      units: [
        ['U1', 3],
        ['U2', 2],
      ],
    });
    Object.assign(tokens, await drawnTokens(roundId, roster, { seed: 'xuat', officialPerStratum: 3 }));
    const plan: Array<[string, number, Record<string, unknown>]> = [
      ['U1', 0, form(5, TEXTS.formula)],
      ['U1', 1, form(4, TEXTS.multiline)],
      ['U1', 2, form(2)],
      ['U2', 0, form(5, TEXTS.plus)],
    ];
    for (const [unit, i, answers] of plan) {
      const res = await api('POST', '/api/submissions', {
        token: null,
        body: { token: tokens[unit]![i], answers },
      });
      expect(res.status).toBe(201);
      receipts.push(res.json.receiptId);
    }
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    await eventually('results', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/results`);
      return r.json?.latest?.runId === run.json.runId ? true : undefined;
    });
  });

  const secrets = () => {
    const all = Object.values(tokens).flat();
    return [...all, ...all.map(hashToken), ...receipts];
  };

  it('pages the microdata as JSON: one row per form, one column per question, nothing identifying', async () => {
    const first = await api('GET', `/api/rounds/${roundId}/microdata?limit=3`);
    expect(first.status).toBe(200);
    expect(first.json.columns.map((c: { key: string }) => c.key)).toEqual([
      'row',
      'channel',
      'unitCode',
      'fieldCode',
      'submittedAt',
      ...questionIds,
    ]);
    expect(first.json.items).toHaveLength(3);
    expect(typeof first.json.cursor).toBe('string');
    // The cursor is sealed: it does not carry the DynamoDB key (a token hash) in the clear.
    expect(Buffer.from(first.json.cursor, 'base64url').toString('latin1')).not.toContain('TOKEN#');
    const second = await api('GET', `/api/rounds/${roundId}/microdata?limit=3&cursor=${first.json.cursor}`);
    expect(second.json.items).toHaveLength(1);
    expect(second.json.cursor).toBeUndefined();
    const items = [...first.json.items, ...second.json.items];
    expect(items.map((r: { row: number }) => r.row)).toEqual([1, 2, 3, 4]);
    for (const r of items) {
      expect(Object.keys(r).sort()).toEqual([
        'answers',
        'channel',
        'fieldCode',
        'row',
        'submittedAt',
        'unitCode',
      ]);
      expect(Object.keys(r.answers)).toEqual(questionIds);
      expect(r.channel).toBe('web');
      expect(r.fieldCode).toBe('tu-phap');
    }
    // Free text exactly as stored.
    const texts = items.map((r: { answers: Record<string, unknown> }) => r.answers[textQuestion]);
    expect(texts.sort()).toEqual([TEXTS.formula, TEXTS.multiline, TEXTS.plus, null].sort());
    expect(items.filter((r: { unitCode: string }) => r.unitCode === 'U2')).toHaveLength(1);
    const all = first.text + second.text;
    for (const s of secrets()) expect(all).not.toContain(s);
    const bad = await api('GET', `/api/rounds/${roundId}/microdata?cursor=eyJwayI6IlRPS0VOIyJ9`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('INVALID_CURSOR');
  });

  it('allows the microdata to admin and viewer only, province-wide', async () => {
    expect((await api('GET', `/api/rounds/${roundId}/microdata`, { token: viewer })).status).toBe(200);
    expect((await api('GET', `/api/rounds/${roundId}/microdata`, { token: operator })).status).toBe(403);
    expect((await api('GET', `/api/rounds/${roundId}/microdata.csv`, { token: scopedViewer })).status).toBe(
      403,
    );
  });

  it('exports the microdata as CSV and XLSX, formula-neutralised, without identifiers', async () => {
    const csv = await download(`/api/rounds/${roundId}/microdata.csv`, viewer);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    for (const s of secrets()) expect(csv.body.toString('utf8')).not.toContain(s);
    const rows = readCsv(csv.body);
    expect(rows[0]).toEqual(['STT', 'Kênh', 'Mã đơn vị', 'Mã lĩnh vực', 'Thời điểm nộp', ...questionIds]);
    expect(rows).toHaveLength(5);
    const col = rows[0]!.indexOf(textQuestion);
    const texts = rows.slice(1).map((r) => r[col]);
    expect(texts.sort()).toEqual([`'${TEXTS.formula}`, TEXTS.multiline, `'${TEXTS.plus}`, ''].sort());
    const multi = rows[0]!.indexOf(multiQuestion);
    const firstMulti = questions.find((q) => q.id === multiQuestion)!.options!;
    expect(rows[1]![multi]).toBe(`${firstMulti[0]!.value};${firstMulti[1]!.value}`);

    const xlsx = await download(`/api/rounds/${roundId}/microdata.xlsx`, devToken());
    expect(xlsx.status).toBe(200);
    const book = await readXlsx(xlsx.body);
    const sheet = book.getWorksheet('Dữ liệu')!;
    expect(sheet.rowCount).toBe(5);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['STT', 'Kênh', 'Mã đơn vị', 'Mã lĩnh vực', 'Thời điểm nộp', ...questionIds]);
    const textCol = header.indexOf(textQuestion) + 1;
    const cells: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula));
      cells.push(row.getCell(textCol).value ?? '');
    });
    expect(cells.sort()).toEqual([`'${TEXTS.formula}`, TEXTS.multiline, `'${TEXTS.plus}`, ''].sort());
    expect(book.getWorksheet('Câu hỏi')!.rowCount).toBe(questionIds.length + 1);
  });

  it('exports results per level with small cells suppressed for a viewer exactly as the API, not for admin', async () => {
    const apiViewer = await api('GET', `/api/rounds/${roundId}/results`, { token: viewer });
    const apiAdmin = await api('GET', `/api/rounds/${roundId}/results`);
    const unitOf = (r: { json: { latest: { units: Array<{ unitCode: string }> } } }, u: string) =>
      r.json.latest.units.find((x) => x.unitCode === u) as unknown as {
        index: number | null;
        suppressed: boolean;
      };
    expect(unitOf(apiViewer, 'U2')).toMatchObject({ index: null, suppressed: true });
    expect(unitOf(apiAdmin, 'U2').index).not.toBeNull();

    const unitRows = async (token: string) => {
      const res = await download(`/api/rounds/${roundId}/results.csv?level=unit`, token);
      expect(res.status).toBe(200);
      const rows = readCsv(res.body);
      const h = rows[0]!;
      return {
        header: h,
        byUnit: Object.fromEntries(
          rows.slice(1).map((r) => [r[0], Object.fromEntries(h.map((k, i) => [k, r[i]]))]),
        ),
      };
    };
    const v = await unitRows(viewer);
    expect(v.header.slice(0, 3)).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Phát ra']);
    expect(v.byUnit.U2).toMatchObject({ 'Chỉ số (%)': '', 'Bị ẩn (ít phiếu)': 'có', 'Thu về': '1' });
    // The unit name that looks like a formula is neutralised.
    expect(v.byUnit.U2?.['Tên đơn vị']).toBe("'=Phường Hai");
    const u1 = unitOf(apiViewer, 'U1');
    expect(Number(v.byUnit.U1?.['Chỉ số (%)'])).toBe(u1.index);
    const a = await unitRows(devToken());
    expect(Number(a.byUnit.U2?.['Chỉ số (%)'])).toBe(unitOf(apiAdmin, 'U2').index);
    expect(a.byUnit.U2?.['Bị ẩn (ít phiếu)']).toBe('');

    // The whole CSV: one titled table per level.
    const whole = (await download(`/api/rounds/${roundId}/results.csv`, viewer)).body.toString('utf8');
    const lines = whole.replace(/^\ufeff/, '').split('\r\n');
    const titles = ['Toàn đợt', 'Đơn vị', 'Lĩnh vực', 'Đơn vị × lĩnh vực', 'Khía cạnh', 'Yếu tố', 'Câu hỏi'];
    expect(lines.filter((l) => titles.includes(l))).toEqual(titles);

    const sheets = async (token: string) =>
      readXlsx((await download(`/api/rounds/${roundId}/results.xlsx`, token)).body);
    const vb = await sheets(viewer);
    expect(vb.worksheets.map((w) => w.name)).toEqual([
      'Toàn đợt',
      'Đơn vị',
      'Lĩnh vực',
      'Đơn vị × lĩnh vực',
      'Khía cạnh',
      'Yếu tố',
      'Câu hỏi',
    ]);
    const itemsOf = (book: ExcelJS.Workbook, unit: string) => {
      const sheet = book.getWorksheet('Câu hỏi')!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const out: Array<Record<string, unknown>> = [];
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        const r = Object.fromEntries(header.map((h, i) => [String(h), row.getCell(i + 1).value]));
        if (r['Mã đơn vị'] === unit && r['Cấp'] === 'Đơn vị') out.push(r);
      });
      return out;
    };
    const viewerItems = itemsOf(vb, 'U2');
    expect(viewerItems.length).toBeGreaterThan(0);
    for (const r of viewerItems) expect(r['Chỉ số (%)'] ?? null).toBeNull();
    const adminItems = itemsOf(await sheets(devToken()), 'U2');
    expect(adminItems.some((r) => typeof r['Chỉ số (%)'] === 'number')).toBe(true);
    // Both see U1's figures, equal to the API's.
    const u1Items = itemsOf(vb, 'U1');
    expect(u1Items.every((r) => typeof r['Chỉ số (%)'] === 'number')).toBe(true);
    const bad = await api('GET', `/api/rounds/${roundId}/results.csv?level=tinh`);
    expect(bad.json.error.code).toBe('INVALID_PARAMETER');
  });
});
