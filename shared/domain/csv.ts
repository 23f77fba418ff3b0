/** Small CSV helpers shared by catalogue import/export (data-rules rules 2, 3, 14). */
import { parse } from 'csv-parse/sync';
import { CatalogueError } from './errors.ts';

/**
 * Delimiter of a file among `,` `;` TAB (rule 2): the one that splits some line of the first 20 into the
 * most cells — the header line in practice, even below title rows.
 */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const lines = text.split(/\r\n|\n|\r/).slice(0, 20);
  let best: ',' | ';' | '\t' = ',';
  let bestCount = 0;
  for (const c of [',', ';', '\t'] as const) {
    const count = Math.max(0, ...lines.map((l) => l.split(c).length - 1));
    if (count > bestCount) {
      best = c;
      bestCount = count;
    }
  }
  return best;
}

/** Parse into records; record i is spreadsheet row i + 1 (blank lines count, quoted newlines do not). */
export function parseCsvRecords(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return parse(body, {
      delimiter: detectDelimiter(body),
      relax_column_count: true,
      skip_empty_lines: false,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new CatalogueError([
      {
        where: 'tệp CSV',
        code: 'MALFORMED_CSV',
        message: `tệp CSV: lỗi cú pháp${line === undefined ? '' : ` gần dòng ${line}`} (dấu ngoặc kép chưa đóng?)`,
      },
    ]);
  }
}

export { csvCell } from '../core/csv-cell.ts';

/** Undo the formula guard on import: `'=x` → `=x`. */
export function unguardCell(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}
