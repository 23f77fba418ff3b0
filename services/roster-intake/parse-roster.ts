/**
 * The whole-buffer, synchronous roster parser used by the body-upload path (start-import.ts).
 * Built on the same pieces as the streaming readRoster (roster-reader.ts): decode.ts picks the
 * encoding, csv-parse splits records, RosterRowProcessor validates rows — so both paths apply
 * the same rules. XLSX needs the (asynchronous) streaming reader: use readRoster.
 * Whole-file problems throw RosterFileError (an UnprocessableError: nothing is stored).
 */
import type { ErrorDetail } from '../../shared/platform/errors.ts';
import { readCsvSync } from './csv-source.ts';
import { unsupportedFormat } from './roster-errors.ts';
import { DEFAULT_MAX_CELL_CHARS, RosterRowProcessor, type RowIssue as SourceIssue } from './roster-rows.ts';

export const MAX_CELL_LENGTH = DEFAULT_MAX_CELL_CHARS;

export interface RosterRow {
  row: number;
  fullName: string;
  phoneE164: string;
  phoneKind: 'mobile' | 'landline';
  dossierId: string;
  /** Raw field text; matched against the round's catalogue by the caller. */
  field: string;
  unitCode: string;
  completedOn: string;
  birthYear?: number;
  sex?: string;
  address?: string;
}

/**
 * An issue as this path stores it: without the original value, because its caller keeps the
 * report unencrypted (readRoster's RowIssue carries the value, to be sealed by its caller).
 */
export interface RowIssue extends ErrorDetail {
  row: number;
}

export interface ParsedRoster {
  rows: RosterRow[];
  errors: RowIssue[];
  warnings: RowIssue[];
  /** Data records read (non-blank rows below the header). */
  dataRows: number;
}

const withoutValue = ({ row, column, code, message }: SourceIssue): RowIssue => ({
  row,
  column,
  code,
  message,
});

export const parseRoster = (bytes: Buffer): ParsedRoster => {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) {
    throw unsupportedFormat('Tệp Excel (.xlsx) chỉ đọc được qua đường tải lên luồng (readRoster).');
  }
  const { records } = readCsvSync(bytes);
  const processor = new RosterRowProcessor();
  const out: ParsedRoster = { rows: [], errors: [], warnings: [], dataRows: 0 };
  for (const record of records) {
    const result = processor.push(record);
    if (!result) continue;
    if (result.kind === 'rejected') {
      out.errors.push(...result.issues.map(withoutValue));
      continue;
    }
    const { kind: _kind, warnings, fieldCode: _fieldCode, ...row } = result;
    out.rows.push(row);
    out.warnings.push(...warnings.map(withoutValue));
  }
  out.dataRows = processor.finish().dataRows;
  return out;
};
