import { toCsv } from '../../shared/platform/csv.ts';
import type { RowIssue } from './parse-roster.ts';

/** The rows to fix, as the spreadsheet shows them: row number, column, code, Vietnamese message. */
export const errorReportCsv = (errors: readonly RowIssue[]): string =>
  toCsv(
    ['Dòng', 'Cột', 'Mã lỗi', 'Nội dung'],
    errors.map((e) => [e.row, e.column ?? '', e.code, e.message]),
  );
