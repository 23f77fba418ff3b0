/**
 * CSV and XLSX writers for exports, formula-safe (data-rules rule 14): every text cell starting with
 * = + - @ TAB or CR is written as ' + value (CSV through `toCsv`, XLSX as a string cell through
 * `formulaSafe`); numbers stay numbers. XLSX workbooks are written with ExcelJS's streaming writer so a
 * large export is built row by row, never as a whole sheet model in memory.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { formulaSafe } from '../../shared/core/csv-cell.ts';
import { toCsv } from '../../shared/platform/csv.ts';

export type Cell = string | number | null;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One CSV table (UTF-8 BOM, CRLF). */
export const csvTable = (header: string[], rows: Cell[][]): string => toCsv(header, rows);

/** Several tables in one CSV: each preceded by a title line, a blank line between (BOM once). */
export const csvTables = (
  tables: ReadonlyArray<{ title: string; header: string[]; rows: Cell[][] }>,
): string =>
  tables
    .map((t, i) => {
      const body = toCsv([t.title], [t.header, ...t.rows]);
      return i === 0 ? body : body.replace(/^\ufeff/, '');
    })
    .join('\r\n');

const xlsxCell = (c: Cell): string | number | null => (typeof c === 'string' ? formulaSafe(c) : c);

export interface SheetWriter {
  addRow(cells: Cell[]): void;
}

/** Builds a workbook sheet by sheet, row by row (streamed), and returns its bytes. */
export const writeXlsx = async (
  build: (addSheet: (name: string, header: string[]) => SheetWriter) => Promise<void>,
): Promise<Buffer> => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: true,
  });
  const sheets: ExcelJS.Worksheet[] = [];
  await build((name, header) => {
    const previous = sheets.at(-1);
    previous?.commit();
    // Excel: at most 31 characters, none of []:*?/\ in a sheet name.
    const sheet = book.addWorksheet(name.replace(/[[\]:*?/\\]/g, '-').slice(0, 31));
    sheets.push(sheet);
    const head = sheet.addRow(header.map(formulaSafe));
    head.font = { bold: true };
    head.commit();
    return {
      addRow: (cells) => {
        sheet.addRow(cells.map(xlsxCell)).commit();
      },
    };
  });
  sheets.at(-1)?.commit();
  await book.commit();
  await done;
  return Buffer.concat(chunks);
};
