import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from '../../shared/domain/index.ts';
import { api, unique } from './support/api.ts';

const EXAMPLE = readFileSync('docs/examples/sipas-2026-questionnaire.csv', 'utf8');

/** The example under a fresh id, so the first import in this run creates it. */
const exampleAs = (id: string) => EXAMPLE.replace('Mã mẫu phiếu,sipas-2026-v1', `Mã mẫu phiếu,${id}`);

describe('imported questionnaires', () => {
  const id = unique('q')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');

  it('stores the 51-item example as an immutable version; the same file again finds it', async () => {
    const first = await api('POST', '/api/questionnaires', { raw: exampleAs(id) });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ id, version: 1, kind: 'SIPAS', satisfactionItems: 51, created: true });
    const again = await api('POST', '/api/questionnaires', { raw: exampleAs(id) });
    expect(again.status).toBe(200);
    expect(again.json.contentHash).toBe(first.json.contentHash);
    expect(again.json.created).toBe(false);

    const list = await api('GET', '/api/questionnaires');
    expect(list.json.items.filter((q: { id: string }) => q.id === id)).toHaveLength(1);
    const one = await api('GET', `/api/questionnaires/${id}/1`);
    expect(one.status).toBe(200);
    const questions = one.json.template.sections.flatMap((s: { questions: unknown[] }) => s.questions);
    expect(questions).toHaveLength(first.json.items);
  });

  it('refuses other content under a taken version (409) and keeps the first', async () => {
    const changed = exampleAs(id).replace(
      'nd_1,nhan_dinh,"Phần I. Nhận định, đánh giá",Ông/Bà',
      'nd_1,nhan_dinh,"Phần I. Nhận định, đánh giá",Bà/Ông',
    );
    expect(changed).not.toBe(exampleAs(id));
    const res = await api('POST', '/api/questionnaires', { raw: changed });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('QUESTIONNAIRE_VERSION_EXISTS');
  });

  it('refuses a duplicate id and an unknown type naming row and column, storing nothing', async () => {
    const bad = unique('bad')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-');
    const lines = exampleAs(bad).split(/\r?\n/);
    const at = lines.findIndex((l) => l.startsWith('nd_2,'));
    lines[at] = lines[at]!.replace(/^nd_2,/, 'nd_1,');
    const typeAt = lines.findIndex((l) => l.startsWith('nd_3,'));
    lines[typeAt] = lines[typeAt]!.replace(',single,', ',thang_diem,');
    const res = await api('POST', '/api/questionnaires', { raw: lines.join('\n') });
    expect(res.status).toBe(400);
    const wheres = res.json.error.details.map((d: { path: string }) => d.path).join(' | ');
    expect(wheres).toContain(`dòng ${at + 1}`);
    expect(wheres).toContain(`dòng ${typeAt + 1}`);
    expect(wheres).toMatch(/cột/);
    expect((await api('GET', `/api/questionnaires/${bad}/1`)).status).toBe(404);
  });

  it('refuses a scored item in no element naming row and column, storing nothing', async () => {
    const bad = unique('noel')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-');
    const lines = exampleAs(bad).split(/\r?\n/);
    const at = lines.findIndex((l) => l.startsWith('p1_1,'));
    expect(lines[at]).toContain(',không,P1,CS,có,');
    lines[at] = lines[at]!.replace(',không,P1,CS,có,', ',không,,CS,có,');
    const res = await api('POST', '/api/questionnaires', { raw: lines.join('\n') });
    expect(res.status).toBe(400);
    const issue = res.json.error.details.find((d: { code: string }) => d.code === 'ITEM_WITHOUT_ELEMENT');
    expect(issue).toBeDefined();
    expect(issue.path).toContain(`dòng ${at + 1}`);
    expect(issue.path).toMatch(/cột/);
    expect((await api('GET', `/api/questionnaires/${bad}/1`)).status).toBe(404);
  });

  it('reads an XLSX sheet the same way as the CSV', async () => {
    const xid = `${id}-x`;
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Phiếu');
    for (const row of parseCsvRecords(exampleAs(xid))) sheet.addRow(row);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const res = await api('POST', '/api/questionnaires', {
      raw: bytes,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: xid, satisfactionItems: 51, source: 'xlsx' });
  });

  it('exports a version as CSV in the import layout (re-importable to the same content)', async () => {
    const csv = await api('GET', `/api/questionnaires/${id}/1.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const back = await api('POST', '/api/questionnaires', { raw: csv.text });
    expect(back.status).toBe(200);
  });

  it('a round references a version; an unknown version is refused', async () => {
    const base = {
      name: 'SIPAS 2026 theo mẫu nhập',
      year: 2026,
      kind: 'SIPAS',
      units: [{ code: 'U1', name: 'UBND xã Một', type: 'commune' }],
      fields: [{ name: 'Tư pháp' }],
    };
    const created = await api('POST', '/api/rounds', {
      body: { ...base, questionnaire: { id, version: 1 } },
    });
    expect(created.status).toBe(201);
    expect(created.json.round).toMatchObject({ templateId: id, questionnaire: { id, version: 1 } });
    const missing = await api('POST', '/api/rounds', {
      body: { ...base, questionnaire: { id, version: 9 } },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe('QUESTIONNAIRE_NOT_FOUND');
  });
});
