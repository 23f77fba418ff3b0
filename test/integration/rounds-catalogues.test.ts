/**
 * Stored unit catalogues over HTTP: import (CSV, XLSX with its fields sheet), immutable versions,
 * listing and export, refusals naming the row, successor links across the 2025 reform, and rounds
 * selecting their units from a version in the old three-tier or the new two-tier structure.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from '../../shared/domain/index.ts';
import { api, unique } from './support/api.ts';

const EXAMPLE = readFileSync('docs/examples/catalogue-2024-2026.csv', 'utf8');
const catalogueId = () =>
  unique('dm')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');

const paths = (res: { json: { error: { details: Array<{ path: string; code: string }> } } }) =>
  res.json.error.details.map((d) => `${d.code} @ ${d.path}`);

describe('unit catalogues', () => {
  const id = catalogueId();

  it('stores the example as version 1; the same content again finds it; a change makes version 2', async () => {
    const first = await api('POST', `/api/catalogues?id=${id}&name=${encodeURIComponent('Danh mục mẫu')}`, {
      raw: EXAMPLE,
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ id, version: 1, units: 14, created: true, source: 'csv' });
    expect(first.json.unitsByType).toMatchObject({ province: 1, department: 2, commune: 5, ward: 3 });
    const again = await api('POST', `/api/catalogues?id=${id}`, { raw: EXAMPLE });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ version: 1, created: false, contentHash: first.json.contentHash });
    const changed = await api('POST', `/api/catalogues?id=${id}`, {
      raw: EXAMPLE.replace('Sở Tư pháp', 'Sở Tư pháp tỉnh Mẫu'),
    });
    expect(changed.status).toBe(201);
    expect(changed.json.version).toBe(2);
    const v1 = await api('GET', `/api/catalogues/${id}/1`);
    expect(v1.json.units.find((u: { code: string }) => u.code === 'STP').name).toBe('Sở Tư pháp');
    const list = await api('GET', '/api/catalogues');
    expect(
      list.json.items.filter((c: { id: string }) => c.id === id).map((c: { version: number }) => c.version),
    ).toEqual([1, 2]);
    expect((await api('GET', `/api/catalogues/${id}/9`)).json.error.code).toBe('CATALOGUE_NOT_FOUND');
  });

  it('exports a version as CSV that re-imports to the same version', async () => {
    const csv = await api('GET', `/api/catalogues/${id}/1.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.replace(/^\ufeff/, '').startsWith('Mã đơn vị,Tên đơn vị,Loại')).toBe(true);
    const back = await api('POST', `/api/catalogues?id=${id}`, { raw: csv.text });
    expect(back.status).toBe(200);
    expect(back.json.version).toBe(1);
  });

  it('refuses a parent cycle, a duplicate code and a bad date, naming the row; stores nothing', async () => {
    const bad = catalogueId();
    const withCycle = `${EXAMPLE.trimEnd()}\nA1,Đơn vị A,department,B1,01/01/2000,,\nB1,Đơn vị B,department,A1,01/01/2000,,\n`;
    const cycle = await api('POST', `/api/catalogues?id=${bad}`, { raw: withCycle });
    expect(cycle.status).toBe(400);
    expect(cycle.json.error.code).toBe('INVALID_CATALOGUE');
    expect(paths(cycle).some((p) => /^PARENT_CYCLE @ dòng 1[67], đơn vị "(A1|B1)"$/.test(p))).toBe(true);

    const duplicate = await api('POST', `/api/catalogues?id=${bad}`, {
      raw: `${EXAMPLE.trimEnd()}\nSNV,Sở Nội vụ (trùng),department,T,01/01/2000,,\n`,
    });
    expect(duplicate.status).toBe(400);
    expect(paths(duplicate)).toContain('DUPLICATE_CODE @ dòng 16, đơn vị "SNV"');

    const date = await api('POST', `/api/catalogues?id=${bad}`, {
      raw: EXAMPLE.replace('XM2,Xã Chợ Mới,commune,T,01/07/2025', 'XM2,Xã Chợ Mới,commune,T,31/02/2025'),
    });
    expect(date.status).toBe(400);
    expect(paths(date)).toContain('INVALID_DATE @ dòng 14');
    expect(date.json.error.details[0].message).toContain('31/02/2025');

    const wrongLevel = await api('POST', `/api/catalogues?id=${bad}`, {
      raw: EXAMPLE.replace('X1,Xã An Lạc,commune,H1', 'X1,Xã An Lạc,commune,T'),
    });
    expect(wrongLevel.status).toBe(400);
    expect(paths(wrongLevel)).toContain('INVALID_PARENT_LEVEL @ dòng 7, đơn vị "X1"');
    expect((await api('GET', `/api/catalogues/${bad}/1`)).status).toBe(404);
    expect((await api('POST', '/api/catalogues', { raw: EXAMPLE })).json.error.code).toBe(
      'INVALID_CATALOGUE_ID',
    );
  });

  it('reads an XLSX workbook: units on the first sheet, fields and procedures per level on "Lĩnh vực"', async () => {
    const xid = catalogueId();
    const book = new ExcelJS.Workbook();
    const units = book.addWorksheet('Đơn vị');
    for (const row of parseCsvRecords(EXAMPLE)) units.addRow(row);
    const fields = book.addWorksheet('Lĩnh vực');
    fields.addRow(['Mã lĩnh vực', 'Tên lĩnh vực', 'Cấp', 'Mã thủ tục', 'Tên thủ tục']);
    fields.addRow(['tu-phap', 'Tư pháp', 'xã|sở', '1.001', 'Đăng ký khai sinh']);
    fields.addRow(['tu-phap', 'Tư pháp', 'xã|sở', '1.002', 'Chứng thực bản sao']);
    fields.addRow(['dat-dai', 'Đất đai', 'xã', '', '']);
    const res = await api('POST', `/api/catalogues?id=${xid}`, {
      raw: Buffer.from(await book.xlsx.writeBuffer()),
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ units: 14, fields: 2, procedures: 2, source: 'xlsx' });
    const stored = await api('GET', `/api/catalogues/${xid}/1`);
    expect(stored.json.fields[0]).toEqual({
      code: 'tu-phap',
      name: 'Tư pháp',
      levels: ['commune', 'department'],
      procedures: [
        { code: '1.001', name: 'Đăng ký khai sinh' },
        { code: '1.002', name: 'Chứng thực bản sao' },
      ],
    });
    fields.addRow(['tu-phap', 'Tư pháp', 'tỉnh|thôn', '1.003', 'X']);
    const bad = await api('POST', `/api/catalogues?id=${xid}-bad`, {
      raw: Buffer.from(await book.xlsx.writeBuffer()),
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toContain('UNKNOWN_LEVEL @ bảng lĩnh vực, dòng 5, cột Cấp');
  });

  it('exposes the successor links across the 2025 reform, both ways', async () => {
    const res = await api('GET', `/api/catalogues/${id}/1/successors?from=2024-12-31&to=2026-01-01`);
    expect(res.status).toBe(200);
    const forward = Object.fromEntries(
      res.json.successors.map((s: { code: string; successors: string[] }) => [s.code, s.successors]),
    );
    expect(forward).toMatchObject({
      X1: ['XM1'],
      X2: ['XM1'],
      X3: ['XM2'],
      X4: ['PM1', 'XM2'],
      P1: ['PM1'],
      SNV: ['SNV'],
      H1: [],
    });
    const back = Object.fromEntries(
      res.json.predecessors.map((p: { code: string; predecessors: string[] }) => [p.code, p.predecessors]),
    );
    expect(back).toMatchObject({ XM1: ['X1', 'X2'], XM2: ['X3', 'X4'], PM1: ['P1', 'P2', 'X4'] });
    const wrong = await api('GET', `/api/catalogues/${id}/1/successors?from=2026-01-01&to=2024-01-01`);
    expect(wrong.status).toBe(400);
  });

  it('a round selects its units from a version, in the three-tier (2024) or two-tier (2026) structure', async () => {
    const base = { kind: 'SIPAS', fields: [{ name: 'Tư pháp' }] };
    const r2024 = await api('POST', '/api/rounds', {
      body: {
        ...base,
        name: 'SIPAS 2024',
        year: 2024,
        catalogue: { id, version: 1 },
        unitCodes: ['H1', 'X1', 'X2', 'SNV'],
      },
    });
    expect(r2024.status).toBe(201);
    expect(r2024.json.round).toMatchObject({ structure: 'three-tier', catalogue: { id, version: 1 } });
    expect(r2024.json.round.units).toEqual([
      { code: 'H1', name: 'Huyện Bình Sơn', type: 'rural-district', parentCode: 'T' },
      { code: 'X1', name: 'Xã An Lạc', type: 'commune', parentCode: 'H1' },
      { code: 'X2', name: 'Xã Bình Minh', type: 'commune', parentCode: 'H1' },
      { code: 'SNV', name: 'Sở Nội vụ', type: 'department', parentCode: 'T' },
    ]);
    // Without unitCodes: every unit valid at the year's end below the province (two-tier: no districts).
    const r2026 = await api('POST', '/api/rounds', {
      body: { ...base, name: 'SIPAS 2026', year: 2026, catalogue: { id, version: 1 } },
    });
    expect(r2026.status).toBe(201);
    expect(r2026.json.round.structure).toBe('two-tier');
    expect(r2026.json.round.units.map((u: { code: string }) => u.code).sort()).toEqual([
      'PM1',
      'SNV',
      'STP',
      'XM1',
      'XM2',
    ]);
    const refused = await api('POST', '/api/rounds', {
      body: {
        ...base,
        name: 'SIPAS 2026',
        year: 2026,
        catalogue: { id, version: 1 },
        unitCodes: ['XM1', 'H1', 'KHONG', 'X1'],
      },
    });
    expect(refused.status).toBe(400);
    expect(
      refused.json.error.details.map((d: { path: string; code: string }) => `${d.path} ${d.code}`),
    ).toEqual(['unitCodes.1 UNIT_NOT_VALID', 'unitCodes.2 UNKNOWN_UNIT', 'unitCodes.3 UNIT_NOT_VALID']);
    const missing = await api('POST', '/api/rounds', {
      body: { ...base, name: 'X', year: 2026, catalogue: { id, version: 7 } },
    });
    expect(missing.json.error.code).toBe('CATALOGUE_NOT_FOUND');
    const both = await api('POST', '/api/rounds', {
      body: {
        ...base,
        name: 'X',
        year: 2026,
        catalogue: { id, version: 1 },
        units: [{ code: 'A', name: 'A' }],
      },
    });
    expect(both.status).toBe(400);
  });
});
