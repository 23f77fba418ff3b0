/**
 * CSV export, formula-safe (data-rules rule 14) through the neutral `csvCell` (shared/core): a text cell
 * starting with = + - @ TAB or CR is written as ' + value so spreadsheets never run it.
 * Values we generate ourselves in a known safe format (E.164 phones, links) can be marked
 * exempt with `{ safe }`.
 */
import { csvCell } from '../core/csv-cell.ts';

export type CsvCell = string | number | { safe: string } | null | undefined;

const cellText = (cell: CsvCell): string => {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'object')
    return /[",\r\n]/.test(cell.safe) ? `"${cell.safe.replace(/"/g, '""')}"` : cell.safe;
  return csvCell(cell, ',');
};

/** UTF-8 with BOM (so Excel shows Vietnamese correctly), CRLF line ends (RFC 4180). */
export const toCsv = (header: string[], rows: CsvCell[][]): string =>
  `\ufeff${[header.map((h) => csvCell(h, ',')).join(','), ...rows.map((r) => r.map(cellText).join(','))].join('\r\n')}\r\n`;
