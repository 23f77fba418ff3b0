import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ListEntry, listXlsx } from '../../../services/sampling/export-list.ts';

const entry: ListEntry = {
  unitCode: 'U1',
  unitName: 'UBND xã Một',
  fieldCode: 'tu-phap',
  fieldName: 'Tư pháp',
  list: 'official',
  rank: 1,
  status: 'active',
  name: '@Nguyễn Văn A',
  phone: '+84912345678',
  address: '=1+2',
  paperCode: 'ABCD-EFGH-JK',
  link: 'https://khaosat.example/f/abc',
};

afterEach(() => {
  vi.useRealTimers();
});

describe('list XLSX', () => {
  it('is byte-identical at any wall-clock time (workbook dates and ZIP times pinned)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-01T08:00:00Z'));
    const a = await listXlsx([entry], { title: 'Đợt', at: '2026-04-02T03:04:05Z' });
    vi.setSystemTime(new Date('2027-01-09T17:33:51Z'));
    const b = await listXlsx([entry], { title: 'Đợt', at: '2026-04-02T03:04:05Z' });
    expect(a.equals(b)).toBe(true);
    const c = await listXlsx([entry], { title: 'Đợt', at: '2026-04-03T03:04:05Z' });
    expect(a.equals(c)).toBe(false);
  });

  it('guards formula-like text and writes every text as a string cell', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(
      new Uint8Array(await listXlsx([entry], { title: 't', at: '2026-04-02T00:00:00Z' })).buffer,
    );
    const row = book.getWorksheet('Danh sách')?.getRow(2);
    expect(row?.getCell(7).value).toBe("'@Nguyễn Văn A");
    expect(row?.getCell(9).value).toBe("'=1+2");
    expect(row?.getCell(8).value).toBe('+84912345678');
    for (const c of [2, 3, 4, 5, 7, 8, 9, 10, 11])
      expect(row?.getCell(c).type).toBe(ExcelJS.ValueType.String);
    expect(book.getWorksheet('Tổng hợp')?.getRow(2).values).toEqual([
      undefined,
      'U1',
      'UBND xã Một',
      'Tư pháp',
      1,
    ]);
  });
});
