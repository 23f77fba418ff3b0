/**
 * CSV export, formula-safe (data-rules rule 14): a text cell starting with = + - @ TAB or CR
 * is written as ' + value so spreadsheets never run it. Values we generate ourselves in a
 * known safe format (E.164 phones, links) can be marked exempt.
 */
export type CsvCell = string | number | { safe: string } | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

const quote = (value: string): string => (/[",\r\n;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

const cellText = (cell: CsvCell): string => {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'object') return quote(cell.safe);
  return quote(FORMULA_START.test(cell) ? `'${cell}` : cell);
};

/** UTF-8 with BOM (so Excel shows Vietnamese correctly), CRLF line ends (RFC 4180). */
export const toCsv = (header: string[], rows: CsvCell[][]): string =>
  `\ufeff${[header.map(quote).join(','), ...rows.map((r) => r.map(cellText).join(','))].join('\r\n')}\r\n`;
