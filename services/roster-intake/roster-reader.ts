/**
 * readRoster: any roster file a clerk has (CSV in UTF-8/UTF-16/Windows-1258/TCVN3, or XLSX) →
 * validated rows, streamed. The format is sniffed from the bytes (XLSX is a ZIP: "PK\x03\x04"),
 * never trusted from the file name. Memory is bounded: CSV is decoded and parsed chunk by chunk,
 * XLSX rows are streamed by exceljs; the only state growing with the file is the set of dossier
 * ids (rule 10).
 *
 *   const reader = readRoster(stream, { knownUnits, fields });
 *   for await (const r of reader) r.kind === 'accepted' ? … : …;
 *   reader.summary // counts, header row, encoding, delimiter, format
 *
 * A whole-file problem throws RosterFileError (codes in roster-errors.ts) — possibly after some
 * rows were yielded (an unclosed quote or a change of encoding far down a CSV): the caller
 * treats the import as failed and keeps nothing of it.
 */
import type { Readable } from 'node:stream';
import { type Delimiter, openCsv } from './csv-source.ts';
import { ENCODING_LABEL } from './decode.ts';
import type { LegacyFont } from './legacy-fonts.ts';
import { emptyFile, missingHeader, RosterFileError, unsupportedFormat } from './roster-errors.ts';
import { RosterRowProcessor, type RosterRowResult, type RowCounts, type RowRules } from './roster-rows.ts';
import { xlsxSheets } from './xlsx-source.ts';

export interface ReadRosterOptions extends RowRules {
  /** Only used to word messages: the bytes decide the format. */
  filename?: string;
  contentType?: string;
}

export interface RosterSummary extends RowCounts {
  format: 'csv' | 'xlsx';
  /** "UTF-8", "UTF-16LE", "Windows-1258", "TCVN3 (ABC)" … ("XLSX" for workbooks). */
  encoding: string;
  delimiter: Delimiter | null;
  /** The worksheet that held the header (XLSX). */
  sheet: string | null;
  legacyFont: LegacyFont | null;
}

export interface RosterReader extends AsyncIterable<RosterRowResult> {
  /** Available once the iteration has finished without error. */
  readonly summary: RosterSummary;
}

export type RosterSource = AsyncIterable<Uint8Array> | Readable | Uint8Array;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

const toIterator = (source: RosterSource): AsyncIterator<Uint8Array> => {
  if (source instanceof Uint8Array) {
    return (async function* () {
      if (source.length > 0) yield source;
    })();
  }
  // A Readable with setEncoding() yields strings: back to bytes, the decoder decides.
  return (async function* () {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  })();
};

/** Files clerks send by mistake: refused as what they are, not as an unknown text encoding. */
const NOT_SPREADSHEETS: ReadonlyArray<readonly [number[], string]> = [
  [[...Buffer.from('%PDF-')], 'tài liệu PDF'],
  [[0x89, 0x50, 0x4e, 0x47], 'ảnh PNG'],
  [[0xff, 0xd8, 0xff], 'ảnh JPEG'],
  [[...Buffer.from('GIF8')], 'ảnh GIF'],
  [[...Buffer.from('{\\rtf')], 'văn bản RTF'],
];

async function* rest(head: Uint8Array[], it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* head;
  for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
}

async function* rowsOf(source: RosterSource, options: ReadRosterOptions, done: (s: RosterSummary) => void) {
  const it = toIterator(source);
  const head: Uint8Array[] = [];
  let size = 0;
  while (size < 4) {
    const n = await it.next();
    if (n.done) break;
    const chunk = n.value;
    if (chunk.length === 0) continue;
    head.push(chunk);
    size += chunk.length;
  }
  if (size === 0) throw emptyFile();
  const first = Buffer.concat(head).subarray(0, 8);
  const named = (options.filename ?? '').toLowerCase();

  if (startsWith(first, OLE_MAGIC)) {
    throw unsupportedFormat(
      'Tệp Excel 97–2003 (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu thành .xlsx.',
    );
  }
  const other = NOT_SPREADSHEETS.find(([magic]) => startsWith(first, magic));
  if (other) throw unsupportedFormat(`Tệp là ${other[1]}, không phải bảng tính.`);
  if (!startsWith(first, ZIP_MAGIC)) {
    if (named.endsWith('.xlsx') || options.contentType?.includes('spreadsheetml')) {
      throw unsupportedFormat('Tệp mang tên .xlsx nhưng nội dung không phải bảng tính Excel.');
    }
    const csv = await openCsv(it, head);
    const rows = new RosterRowProcessor(options);
    for await (const record of csv.records) {
      const result = rows.push(record);
      if (result) yield result;
    }
    done({
      ...rows.finish(),
      format: 'csv',
      encoding: ENCODING_LABEL[csv.encoding],
      delimiter: csv.delimiter,
      sheet: null,
    });
    return;
  }

  // XLSX: the data sheet is the first one with a header in its first 20 rows, so an
  // "instructions" sheet before it is passed over (drained: the stream reader is sequential).
  let sawContent = false;
  for await (const sheet of xlsxSheets(rest(head, it))) {
    const rows = new RosterRowProcessor(options);
    let skipped = false;
    for await (const record of sheet.records) {
      if (skipped) continue;
      let result: RosterRowResult | null;
      try {
        result = rows.push(record);
      } catch (error) {
        if (error instanceof RosterFileError && error.code === 'MISSING_HEADER') {
          skipped = true;
          continue;
        }
        throw error;
      }
      if (result) yield result;
    }
    if (!rows.hasHeader) {
      sawContent ||= skipped || rows.hasContent;
      continue;
    }
    done({ ...rows.finish(), format: 'xlsx', encoding: 'XLSX', delimiter: null, sheet: sheet.name || null });
    return;
  }
  throw sawContent ? missingHeader() : emptyFile();
}

export const readRoster = (source: RosterSource, options: ReadRosterOptions = {}): RosterReader => {
  let summary: RosterSummary | null = null;
  return {
    get summary(): RosterSummary {
      if (!summary) throw new Error('readRoster: summary read before the rows were all read');
      return summary;
    },
    [Symbol.asyncIterator]: () =>
      rowsOf(source, options, (s) => {
        summary = s;
      }),
  };
};
