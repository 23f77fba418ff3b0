/**
 * Roster file → normalised rows and row errors (data-rules rules 1–12). Pure: no I/O, no keys.
 * Whole-file problems throw an UnprocessableError (nothing is stored); row problems are
 * collected with the spreadsheet row number a person sees (header = row 1, blank lines count).
 */
import { parse } from 'csv-parse/sync';
import { detectDelimiter, normaliseText } from '../../shared/domain/index.ts';
import { type ErrorDetail, UnprocessableError } from '../../shared/platform/errors.ts';
import { COLUMNS, type ColumnKey, mapHeader } from './columns.ts';
import { parseRosterDate } from './dates.ts';
import { normalisePhone } from './phone.ts';

export const MAX_CELL_LENGTH = 1000;
const HEADER_SEARCH_ROWS = 20;

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

const decode = (bytes: Buffer): string => {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw new UnprocessableError(
      'UNSUPPORTED_FORMAT',
      'Tệp Excel (XLSX) chưa được hỗ trợ ở bản này: hãy lưu thành CSV UTF-8.',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UnprocessableError(
      'UNSUPPORTED_ENCODING',
      'Tệp không phải văn bản UTF-8/UTF-16: hãy lưu lại với mã hóa UTF-8.',
    );
  }
};

const isBlank = (cells: string[]): boolean => cells.every((c) => c.trim() === '');

const fail = (row: number, column: ColumnKey | null, code: string, message: string): RowIssue => ({
  row,
  ...(column ? { column: COLUMNS[column].label } : {}),
  code,
  message,
});

export const parseRoster = (bytes: Buffer): ParsedRoster => {
  const text = decode(bytes).replace(/^\ufeff/, '');
  if (text.trim() === '') throw new UnprocessableError('EMPTY_FILE', 'Tệp rỗng: không có dòng dữ liệu nào.');
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: false,
      bom: true,
    }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new UnprocessableError(
      'MALFORMED_CSV',
      `Tệp CSV lỗi cấu trúc${line ? ` gần dòng ${line}` : ''}: dấu ngoặc kép không được đóng. Không dòng nào được nhập.`,
    );
  }

  const headerIndex = records.slice(0, HEADER_SEARCH_ROWS).findIndex((cells) => mapHeader(cells).size >= 3);
  if (headerIndex < 0) {
    throw new UnprocessableError(
      'MISSING_HEADER',
      'Không tìm thấy dòng tiêu đề (Họ và tên, Số điện thoại, Mã hồ sơ …) trong 20 dòng đầu.',
    );
  }
  const columns = mapHeader(records[headerIndex] ?? []);
  const missing = (Object.keys(COLUMNS) as ColumnKey[]).filter((k) => COLUMNS[k].required && !columns.has(k));
  if (missing.length > 0) {
    throw new UnprocessableError(
      'MISSING_COLUMN',
      `Thiếu cột bắt buộc: ${missing.map((k) => COLUMNS[k].label).join(', ')}.`,
      missing.map((k) => ({
        column: COLUMNS[k].label,
        code: 'MISSING_COLUMN',
        message: `Thiếu cột "${COLUMNS[k].label}".`,
      })),
    );
  }

  const rows: RosterRow[] = [];
  const errors: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  const seenDossiers = new Map<string, number>();
  let dataRows = 0;

  records.forEach((cells, index) => {
    if (index <= headerIndex || isBlank(cells)) return;
    dataRows++;
    const row = index + 1;
    const cell = (k: ColumnKey): string => {
      const i = columns.get(k);
      return i === undefined ? '' : normaliseText(cells[i] ?? '');
    };
    const tooLong = (Object.keys(COLUMNS) as ColumnKey[]).find((k) => cell(k).length > MAX_CELL_LENGTH);
    if (tooLong) {
      errors.push(
        fail(
          row,
          tooLong,
          'FIELD_TOO_LONG',
          `Ô "${COLUMNS[tooLong].label}" dài quá ${MAX_CELL_LENGTH} ký tự.`,
        ),
      );
      return;
    }
    const emptyRequired = (Object.keys(COLUMNS) as ColumnKey[]).find(
      (k) => COLUMNS[k].required && cell(k) === '',
    );
    if (emptyRequired) {
      errors.push(fail(row, emptyRequired, 'MISSING_REQUIRED', `Thiếu "${COLUMNS[emptyRequired].label}".`));
      return;
    }
    const phone = normalisePhone(cell('phone'));
    if (!phone.ok) {
      errors.push(
        fail(
          row,
          'phone',
          'INVALID_PHONE',
          `Số điện thoại "${'*'.repeat(Math.min(cell('phone').length, 12))}" không hợp lệ.`,
        ),
      );
      return;
    }
    const completedOn = parseRosterDate(cell('completedOn'));
    if (!completedOn) {
      errors.push(
        fail(
          row,
          'completedOn',
          'INVALID_DATE',
          `Ngày "${cell('completedOn')}" không hợp lệ (dùng dd/mm/yyyy).`,
        ),
      );
      return;
    }
    const dossierId = cell('dossierId');
    const firstRow = seenDossiers.get(dossierId);
    if (firstRow !== undefined) {
      errors.push(
        fail(row, 'dossierId', 'DUPLICATE_DOSSIER', `Mã hồ sơ "${dossierId}" trùng với dòng ${firstRow}.`),
      );
      return;
    }
    seenDossiers.set(dossierId, row);
    if (phone.warning) {
      warnings.push(
        fail(
          row,
          'phone',
          phone.warning,
          phone.warning === 'PHONE_LANDLINE' ? 'Số máy bàn.' : 'Đã chuyển số 11 số sang đầu số mới.',
        ),
      );
    }
    const birthYear = Number.parseInt(cell('birthYear'), 10);
    rows.push({
      row,
      fullName: cell('fullName'),
      phoneE164: phone.e164,
      phoneKind: phone.kind,
      dossierId,
      field: cell('field'),
      unitCode: cell('unitCode'),
      completedOn,
      ...(Number.isFinite(birthYear) && birthYear > 1900 ? { birthYear } : {}),
      ...(cell('sex') ? { sex: cell('sex') } : {}),
      ...(cell('address') ? { address: cell('address') } : {}),
    });
  });
  if (dataRows === 0)
    throw new UnprocessableError('NO_DATA_ROWS', 'Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu.');
  return { rows, errors, warnings, dataRows };
};
