import { toCsv } from '../../shared/platform/csv.ts';
import type { StoredRowIssue } from '../../shared/tables/respondents.ts';

/** The rows to fix, as the spreadsheet shows them: row number, column, code, Vietnamese message. */
export const errorReportCsv = (errors: readonly StoredRowIssue[]): string =>
  toCsv(
    ['Dòng', 'Cột', 'Mã lỗi', 'Nội dung'],
    errors.map((e) => [e.row, e.column ?? '', e.code, e.message]),
  );
