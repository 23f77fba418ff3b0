/**
 * The import report as a download (issue 8 item 5): the counts, then one line per row issue
 * (spreadsheet row, column, original value, code, Vietnamese message). Formula-safe in both
 * formats (data-rules rule 14): CSV through toCsv, XLSX cells written as strings behind the same guard.
 */
import ExcelJS from 'exceljs';
import { formulaSafe as safeText } from '../../shared/core/csv-cell.ts';
import { toCsv } from '../../shared/platform/csv.ts';
import type { ImportRecord } from '../../shared/tables/respondents.ts';

export interface ReportCounts {
  read: number;
  accepted: number;
  rejected: number;
  merged: number;
  warned: number;
  ignoredBlank: number;
}

const COUNT_LABELS: Record<keyof ReportCounts, string> = {
  read: 'Số dòng đã đọc',
  accepted: 'Số dòng hợp lệ',
  rejected: 'Số dòng bị loại',
  merged: 'Số hồ sơ gộp vào cùng một người',
  warned: 'Số dòng có cảnh báo',
  ignoredBlank: 'Số dòng trống bỏ qua',
};

const ISSUE_HEADER = ['Dòng', 'Cột', 'Giá trị gốc', 'Mã lỗi', 'Nội dung'];

type ReportSource = Pick<
  ImportRecord,
  'dataRows' | 'valid' | 'rejected' | 'errors' | 'merged' | 'warned' | 'ignoredBlank'
>;

/**
 * read = non-blank rows below the header (= accepted + rejected); merged = accepted rows that joined
 * a person already seen (rule 9); warned = accepted rows with a warning (row warnings, then their
 * person's quality warnings once the checks ran); ignoredBlank = blank rows skipped (rule 2).
 */
export const reportCounts = (record: ReportSource): ReportCounts => ({
  read: record.dataRows,
  accepted: record.valid,
  rejected: record.rejected,
  merged: record.merged,
  warned: record.warned,
  ignoredBlank: record.ignoredBlank,
});

/**
 * Row issues as exported. The stored report keeps no original value (only row, column, code,
 * message), so the value column stays empty: personal data is never copied into the report.
 */
const issueRows = (record: ReportSource): Array<[number, string, string, string, string]> =>
  record.errors.map((e) => [e.row, e.column ?? '', '', e.code, e.message]);

export const importReportCsv = (record: ReportSource): string => {
  const counts = reportCounts(record);
  const countLines = (Object.keys(COUNT_LABELS) as Array<keyof ReportCounts>).map((k) => [
    COUNT_LABELS[k],
    counts[k],
  ]);
  // One table: the counts first (label, number), a blank line, then the row report with its own header.
  const head = toCsv(['Chỉ tiêu', 'Số lượng'], countLines);
  const body = toCsv(ISSUE_HEADER, issueRows(record)).replace(/^\ufeff/, '');
  return `${head}\r\n${body}`;
};

export const importReportXlsx = async (record: ReportSource): Promise<Buffer> => {
  const book = new ExcelJS.Workbook();
  const counts = reportCounts(record);
  const summary = book.addWorksheet('Tổng hợp');
  summary.addRow(['Chỉ tiêu', 'Số lượng']);
  for (const k of Object.keys(COUNT_LABELS) as Array<keyof ReportCounts>)
    summary.addRow([COUNT_LABELS[k], counts[k]]);
  const issues = book.addWorksheet('Lỗi từng dòng');
  issues.addRow(ISSUE_HEADER);
  for (const [row, column, value, code, message] of issueRows(record)) {
    issues.addRow([row, safeText(column), safeText(value), safeText(code), safeText(message)]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
};
