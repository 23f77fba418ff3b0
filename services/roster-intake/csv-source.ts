/**
 * CSV roster → records with the row number a person sees (data-rules rules 2 and 3), streamed:
 * bytes are decoded chunk by chunk (decode.ts) and fed to csv-parse's streaming parser.
 * An unterminated quote refuses the whole file (`MALFORMED_CSV`, rule 2's first option): the
 * records before it were already yielded, so a consumer must treat a thrown RosterFileError as
 * "the import failed" and keep nothing of it (the reader's caller commits only on completion).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Options, parse } from 'csv-parse';
import { detectDelimiter } from '../../shared/domain/index.ts';
import { chooseEncoding, createTextDecoder, SNIFF_BYTES, type TextEncoding } from './decode.ts';
import { RosterFileError } from './roster-errors.ts';

export type Delimiter = ',' | ';' | '\t';

/** One record of the file: `row` is the spreadsheet row (header = 1, blank lines count). */
export interface SourceRecord {
  row: number;
  cells: string[];
}

/**
 * A record longer than this many characters is refused: with a sane roster it only happens
 * when a quote is never closed and the rest of the file is swallowed into one cell.
 */
export const MAX_RECORD_CHARS = 1_000_000;

export const csvOptions = (delimiter: Delimiter): Options => ({
  delimiter,
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
  // A quote inside an unquoted cell (Nguyễn "Tí" Văn) is kept as a character.
  relax_quotes: true,
  skip_empty_lines: false,
  max_record_size: MAX_RECORD_CHARS,
  bom: true,
  info: true,
});

export const malformedCsv = (error: unknown): RosterFileError => {
  if (error instanceof RosterFileError) return error;
  const e = error as { code?: string; lines?: number };
  const where = e.lines ? ` gần dòng ${e.lines}` : '';
  const why =
    e.code === 'CSV_MAX_RECORD_SIZE'
      ? `một dòng dài quá ${MAX_RECORD_CHARS.toLocaleString('vi-VN')} ký tự (thường do dấu ngoặc kép không được đóng)`
      : e.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'dấu ngoặc kép không được đóng'
        : 'dấu ngoặc kép đặt sai chỗ';
  return new RosterFileError(
    'MALFORMED_CSV',
    `Tệp CSV lỗi cấu trúc${where}: ${why}. Không dòng nào được nhập.`,
  );
};

export interface CsvStream {
  encoding: TextEncoding;
  delimiter: Delimiter;
  records: AsyncIterable<SourceRecord>;
}

/** Reads just enough bytes to decide the encoding and delimiter, then streams the records. */
export const openCsv = async (bytes: AsyncIterator<Uint8Array>, head: Uint8Array[]): Promise<CsvStream> => {
  const window = [...head];
  let size = window.reduce((n, c) => n + c.length, 0);
  let done = false;
  while (size < SNIFF_BYTES) {
    const next = await bytes.next();
    if (next.done) {
      done = true;
      break;
    }
    window.push(next.value);
    size += next.value.length;
  }
  const first = Buffer.concat(window);
  const encoding = chooseEncoding(first, done);
  const decoder = createTextDecoder(encoding);
  const firstText = decoder.write(first);
  const delimiter = detectDelimiter(firstText.replace(/^\ufeff/, ''));

  async function* text(): AsyncGenerator<string> {
    yield firstText;
    if (!done) {
      for (let next = await bytes.next(); !next.done; next = await bytes.next()) {
        const s = decoder.write(next.value);
        if (s) yield s;
      }
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }

  async function* records(): AsyncGenerator<SourceRecord> {
    const parser = parse(csvOptions(delimiter));
    const feeding = pipeline(Readable.from(text()), parser).catch((error: unknown) => {
      parser.destroy(error as Error);
    });
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: string[];
        info: { records: number };
      }>) {
        yield { row: info.records, cells: record };
      }
    } catch (error) {
      throw malformedCsv(error);
    } finally {
      parser.destroy();
      await feeding;
    }
  }
  return { encoding, delimiter, records: records() };
};
