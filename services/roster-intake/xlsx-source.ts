/**
 * XLSX roster → records per worksheet (data-rules rules 8 and 13), with exceljs's streaming
 * reader: shared strings are cached (they are the workbook's text, bounded by the file), rows are
 * streamed, styles are read so date-formatted cells arrive as dates.
 * Cell values become the text a person sees: rich text as plain text, formulas as their result,
 * numbers as plain digits (a phone 912345678 keeps its digits; rule 7 restores the zero), date
 * cells as yyyy-mm-dd of the calendar date Excel shows (exceljs builds them at UTC midnight, so
 * reading UTC parts never shifts a day).
 * Merged cells: the stream reader sees a merge only after the rows, so a vertically merged data
 * cell has its value on the merge's first row and is empty below; those rows are then rejected
 * `MISSING_REQUIRED` (rule 13's second option) — never imported with a guessed value.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { SourceRecord } from './csv-source.ts';
import { unsupportedFormat } from './roster-errors.ts';

export interface XlsxSheet {
  name: string;
  records: AsyncIterable<SourceRecord>;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Digits as typed: no exponent, no trailing ".0"; fractions kept (a serial date with a time). */
const numberText = (n: number): string => (Number.isInteger(n) ? BigInt(n).toString() : String(n));

export const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  }
  if (typeof value === 'object') {
    const v = value as {
      richText?: Array<{ text?: string }>;
      result?: unknown;
      formula?: string;
      sharedFormula?: string;
      text?: unknown;
      error?: string;
    };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('');
    if ('result' in v || v.formula !== undefined || v.sharedFormula !== undefined) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error !== undefined) return String(v.error);
  }
  return '';
};

/** Bytes of `buf` that end on a whole UTF-8 character (a cut sequence is held back). */
const wholeUtf8Length = (buf: Uint8Array): number => {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return back < need ? buf.length - back : buf.length;
  }
  return buf.length;
};

/** Re-chunks a byte stream so that no chunk ends inside a UTF-8 character. */
export async function* utf8WholeChunks(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
  let carry: Buffer | null = null;
  for await (const chunk of chunks) {
    let buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (carry) {
      buf = Buffer.concat([carry, buf]);
      carry = null;
    }
    const whole = wholeUtf8Length(buf);
    if (whole < buf.length) {
      carry = Buffer.from(buf.subarray(whole));
      buf = buf.subarray(0, whole);
    }
    if (buf.length > 0) yield buf;
  }
  if (carry) yield carry;
}

/**
 * exceljs 4.4.0's stream reader decodes each XML chunk on its own (utils/parse-sax.js →
 * bufferToString), so a Vietnamese letter cut by a chunk boundary becomes U+FFFD ("Đ���o")
 * in roughly one row in a thousand. Its shared-strings and worksheet parsers are handed
 * chunks that end on whole characters instead (instance overrides of two internal methods;
 * the reader's public API is unchanged).
 */
const decodeWholeCharacters = (reader: object): void => {
  const r = reader as {
    _parseSharedStrings: (entry: unknown) => AsyncGenerator<unknown>;
    _parseWorksheet: (iterator: unknown, sheetNo: unknown) => Generator<unknown>;
  };
  const sharedStrings = r._parseSharedStrings;
  const worksheet = r._parseWorksheet;
  if (typeof sharedStrings !== 'function' || typeof worksheet !== 'function') return;
  r._parseSharedStrings = function (entry) {
    return sharedStrings.call(this, Readable.from(utf8WholeChunks(entry as AsyncIterable<Uint8Array>)));
  };
  r._parseWorksheet = function (iterator, sheetNo) {
    return worksheet.call(this, utf8WholeChunks(iterator as AsyncIterable<Uint8Array>), sheetNo);
  };
};

const notXlsx = () => unsupportedFormat('Tệp có dạng ZIP nhưng không phải bảng tính Excel (.xlsx) đọc được.');

/**
 * Worksheets in workbook order. Each sheet's records must be read (or abandoned with `break`)
 * before asking for the next sheet; stopping early destroys the input.
 */
export async function* xlsxSheets(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<XlsxSheet> {
  const input = Readable.from(bytes);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    worksheets: 'emit',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  decodeWholeCharacters(reader);
  let sawSheet = false;
  try {
    for await (const worksheet of reader) {
      sawSheet = true;
      const ws = worksheet as unknown as AsyncIterable<{ number: number; values: unknown[] }> & {
        name?: string;
      };
      async function* records(): AsyncGenerator<SourceRecord> {
        try {
          for await (const row of ws) {
            const values = Array.isArray(row.values) ? row.values : [];
            // row.values is 1-based (index 0 unused) and sparse.
            const cells: string[] = [];
            for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
            yield { row: row.number, cells };
          }
        } catch {
          throw notXlsx();
        }
      }
      yield { name: ws.name ?? '', records: records() };
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'UNSUPPORTED_FORMAT') throw error;
    throw notXlsx();
  } finally {
    input.destroy();
  }
  if (!sawSheet) throw notXlsx();
}
