import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  importReportCsv,
  importReportXlsx,
  reportCounts,
} from '../../../services/roster-intake/report-export.ts';

const record = {
  dataRows: 5,
  valid: 3,
  rejected: 2,
  merged: 1,
  warned: 1,
  ignoredBlank: 0,
  errors: [
    { row: 3, column: 'Số điện thoại', code: 'INVALID_PHONE', message: 'Số điện thoại không hợp lệ.' },
    { row: 5, column: '=HYPERLINK("x")', code: 'MISSING_FIELD', message: '+ thiếu mã hồ sơ' },
  ],
};

describe('import report export', () => {
  it('counts read, accepted, rejected, merged, warned and ignored rows from the record', () => {
    expect(reportCounts(record)).toEqual({
      read: 5,
      accepted: 3,
      rejected: 2,
      merged: 1,
      warned: 1,
      ignoredBlank: 0,
    });
    expect(reportCounts({ ...record, ignoredBlank: 4, merged: 2 })).toMatchObject({
      ignoredBlank: 4,
      merged: 2,
    });
  });

  it('writes the counts and one line per row issue, formula-safe, as CSV', () => {
    const csv = importReportCsv(record);
    const lines = csv.replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toBe('Chỉ tiêu,Số lượng');
    expect(lines[1]).toBe('Số dòng đã đọc,5');
    expect(lines).toContain('Dòng,Cột,Giá trị gốc,Mã lỗi,Nội dung');
    expect(lines).toContain('3,Số điện thoại,,INVALID_PHONE,Số điện thoại không hợp lệ.');
    expect(lines).toContain(`5,"'=HYPERLINK(""x"")",,MISSING_FIELD,'+ thiếu mã hồ sơ`);
  });

  it('writes the same report as XLSX with text cells behind the formula guard', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(await importReportXlsx(record)).buffer);
    const summary = book.getWorksheet('Tổng hợp');
    expect(summary?.getRow(2).values).toEqual([undefined, 'Số dòng đã đọc', 5]);
    const issues = book.getWorksheet('Lỗi từng dòng');
    expect(issues?.rowCount).toBe(3);
    const last = issues?.getRow(3);
    expect(last?.getCell(1).value).toBe(5);
    expect(last?.getCell(2).value).toBe(`'=HYPERLINK("x")`);
    expect(last?.getCell(2).formula).toBeUndefined();
    expect(last?.getCell(5).value).toBe("'+ thiếu mã hồ sơ");
  });
});
