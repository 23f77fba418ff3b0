/** The import report downloads (CSV and XLSX) over HTTP on the local runtime, next to the old errors.csv. */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, eventually, unique } from './support/api.ts';

const ROSTER = [
  'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành',
  'Lê Thị Lan,0912345678,R-1,Tư pháp,U1,01/02/2026',
  'Trần Văn Nam,12,R-2,Tư pháp,U1,02/02/2026',
  'Phạm Thu Hà,0912345680,R-3,Tư pháp,U1,03/02/2026',
].join('\r\n');

describe('import report downloads', () => {
  let roundId = '';
  let importId = '';
  // biome-ignore lint/suspicious/noExplicitAny: the import JSON as the API returns it
  let record: any;

  beforeAll(async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('intake-report'),
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'U1', name: 'Một' }],
        fields: [{ name: 'Tư pháp' }],
      },
    });
    roundId = created.json.roundId;
    const up = await api('POST', `/api/rounds/${roundId}/rosters`, { raw: ROSTER });
    expect(up.status).toBe(202);
    importId = up.json.importId;
    record = await eventually('import completed', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${importId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    });
  });

  it('serves the report as CSV: counts and the rejected row with its code, no personal value', async () => {
    const res = await api('GET', `/api/rounds/${roundId}/rosters/${importId}/report.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.replace(/^\ufeff/, '').split('\r\n');
    expect(lines).toContain(`Số dòng đã đọc,${record.dataRows}`);
    expect(lines).toContain('Số dòng hợp lệ,2');
    expect(lines).toContain('Số dòng bị loại,1');
    const issue = lines.find((l) => l.startsWith('3,'));
    expect(issue).toBeDefined();
    expect(issue).toContain(record.errors[0].code);
    expect(res.text).not.toContain('Trần Văn Nam');
  });

  it('serves the same report as XLSX', async () => {
    const res = await fetch(`${inject('baseUrl')}/api/rounds/${roundId}/rosters/${importId}/report.xlsx`, {
      headers: { authorization: `Bearer ${inject('devToken')}` },
    });
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const summary = book.getWorksheet('Tổng hợp');
    expect(summary?.getRow(3).values).toEqual([undefined, 'Số dòng hợp lệ', 2]);
    const issues = book.getWorksheet('Lỗi từng dòng');
    expect(issues?.getRow(2).getCell(1).value).toBe(3);
    expect(issues?.getRow(2).getCell(4).value).toBe(record.errors[0].code);
  });

  it('keeps errors.csv working', async () => {
    const res = await api('GET', `/api/rounds/${roundId}/rosters/${importId}/errors.csv`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(record.errors[0].code);
  });

  it('answers IMPORT_NOT_FOUND for an unknown import', async () => {
    const res = await api('GET', `/api/rounds/${roundId}/rosters/nope/report.csv`);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('IMPORT_NOT_FOUND');
  });
});
