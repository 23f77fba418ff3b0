/**
 * The row half of roster parsing (data-rules rules 3–11), independent of the file format:
 * records come in one at a time with their spreadsheet row number; the header is found among
 * the first 20 rows; each data row comes out accepted (normalised values + warnings) or
 * rejected (every problem of the row, each naming its column). State kept between rows: the
 * header mapping, counters and the dossier ids seen so far — nothing else, so a file of
 * millions of rows needs memory for its ids only.
 */

import { foldKey, normaliseText } from '../../shared/domain/index.ts';
import { COLUMNS, type ColumnKey, mapHeader } from './columns.ts';
import type { SourceRecord } from './csv-source.ts';
import { parseRosterDate } from './dates.ts';
import { FingerprintMap } from './fingerprint-map.ts';
import { type LegacyFont, tcvn3TextToUnicode, vniBaseLetters } from './legacy-fonts.ts';
import { normalisePhone } from './phone.ts';
import {
  emptyFile,
  HEADER_SEARCH_ROWS,
  missingHeader,
  RosterFileError,
  unsupportedEncoding,
} from './roster-errors.ts';

/** Rule 11: a longer cell rejects its row with FIELD_TOO_LONG. */
export const DEFAULT_MAX_CELL_CHARS = 1000;
/** Rule 4: the header is looked for in rows 1–20. */
export { HEADER_SEARCH_ROWS } from './roster-errors.ts';
/** Original values in issues are cut to this many characters. */
export const ISSUE_VALUE_CHARS = 200;

export type RowErrorCode =
  | 'MISSING_REQUIRED'
  | 'INVALID_PHONE'
  | 'INVALID_DATE'
  | 'DUPLICATE_DOSSIER'
  | 'FIELD_TOO_LONG'
  | 'UNKNOWN_UNIT'
  | 'UNKNOWN_FIELD'
  /** A cell holding U+FFFD: the file was damaged before it reached us (rule 1). */
  | 'INVALID_CHARACTER';
export type RowWarningCode = 'PHONE_LEGACY_CONVERTED' | 'PHONE_LANDLINE';

export interface RowIssue {
  /** Spreadsheet row number (header = 1 in a CSV; the Excel row number in XLSX). */
  row: number;
  /** The column's Vietnamese label ("Số điện thoại"). */
  column: string;
  /**
   * The cell as written in the file, cut to 200 characters. Personal data for the name, phone
   * and address columns (see PERSONAL_COLUMNS): seal it before storing, never log it.
   */
  value: string;
  code: RowErrorCode | RowWarningCode;
  message: string;
}

/** Labels of the columns whose values are personal data (issue 8 §6). */
export const PERSONAL_COLUMNS: ReadonlySet<string> = new Set([
  COLUMNS.fullName.label,
  COLUMNS.phone.label,
  COLUMNS.address.label,
]);

export interface AcceptedRow {
  kind: 'accepted';
  row: number;
  fullName: string;
  phoneE164: string;
  phoneKind: 'mobile' | 'landline';
  dossierId: string;
  /** The field (lĩnh vực) as written, normalised. */
  field: string;
  /** The round catalogue's field code it matched (the text itself when no catalogue was given). */
  fieldCode: string;
  /** The round's unit code it matched (case and separators as in the catalogue). */
  unitCode: string;
  /** yyyy-mm-dd. */
  completedOn: string;
  birthYear?: number;
  sex?: string;
  address?: string;
  /** PAR rater rosters: the rater group's code (upper case), the rater's own unit being `unitCode`. */
  raterGroup?: string;
  warnings: RowIssue[];
}

export interface RejectedRow {
  kind: 'rejected';
  row: number;
  issues: RowIssue[];
}

export type RosterRowResult = AcceptedRow | RejectedRow;

export interface RowRules {
  /** The round's unit codes; omitted → units are not checked. */
  knownUnits?: ReadonlySet<string>;
  /** The round's field catalogue (code or Vietnamese name may be used); omitted → not checked. */
  fields?: ReadonlyArray<{ code: string; name: string }>;
  maxCellChars?: number;
}

export interface RowCounts {
  headerRow: number;
  legacyFont: LegacyFont | null;
  /** Non-blank records below the header. */
  dataRows: number;
  accepted: number;
  rejected: number;
  /** Blank records below the header (ignored silently, rule 2). */
  ignoredBlank: number;
  /** Accepted rows carrying at least one warning. */
  warned: number;
}

const KEYS = Object.keys(COLUMNS) as ColumnKey[];
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

const cut = (s: string): string =>
  s.length <= ISSUE_VALUE_CHARS ? s : Array.from(s).slice(0, ISSUE_VALUE_CHARS).join('');

export class RosterRowProcessor {
  private columns: Map<ColumnKey, number> | null = null;
  private legacyFont: LegacyFont | null = null;
  private headerRow = 0;
  private sawContent = false;
  /** Dossier ids accepted so far → their row (fingerprints in typed arrays: ~24 MB per million). */
  private readonly seen = new FingerprintMap();
  private readonly maxCell: number;
  private readonly units: Map<string, string> | null;
  private readonly fields: Map<string, string> | null;
  private readonly counts = { dataRows: 0, accepted: 0, rejected: 0, ignoredBlank: 0, warned: 0 };

  constructor(rules: RowRules = {}) {
    this.maxCell = rules.maxCellChars ?? DEFAULT_MAX_CELL_CHARS;
    this.units = rules.knownUnits ? new Map([...rules.knownUnits].map((u) => [foldKey(u), u])) : null;
    this.fields = rules.fields
      ? new Map(
          rules.fields.flatMap((f) => [
            [foldKey(f.name), f.code] as const,
            [foldKey(f.code), f.code] as const,
          ]),
        )
      : null;
  }

  get hasHeader(): boolean {
    return this.columns !== null;
  }

  get hasContent(): boolean {
    return this.sawContent;
  }

  /** The result of a data row; null for rows above the header, the header itself and blank rows. */
  push(record: SourceRecord): RosterRowResult | null {
    const blank = record.cells.every((c) => normaliseText(c.replace(CONTROL, '')) === '');
    if (!this.columns) {
      if (record.row > HEADER_SEARCH_ROWS) throw missingHeader();
      if (!blank) {
        this.sawContent = true;
        this.tryHeader(record);
      }
      return null;
    }
    if (blank) {
      this.counts.ignoredBlank++;
      return null;
    }
    this.counts.dataRows++;
    const result = this.validate(record);
    if (result.kind === 'accepted') {
      this.counts.accepted++;
      if (result.warnings.length > 0) this.counts.warned++;
    } else {
      this.counts.rejected++;
    }
    return result;
  }

  /** After the last record: the counts, or the whole-file failure (empty, no header, no data). */
  finish(): RowCounts {
    if (!this.columns) throw this.sawContent ? missingHeader() : emptyFile();
    if (this.counts.dataRows === 0) {
      throw new RosterFileError(
        'NO_DATA_ROWS',
        'Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào. Không dòng nào được nhập.',
      );
    }
    return { headerRow: this.headerRow, legacyFont: this.legacyFont, ...this.counts };
  }

  private tryHeader(record: SourceRecord): void {
    const plain = mapHeader(record.cells);
    const tcvn3 = mapHeader(record.cells.map(tcvn3TextToUnicode));
    const vni = mapHeader(record.cells.map(vniBaseLetters));
    const best = Math.max(plain.size, tcvn3.size);
    if (vni.size >= 3 && vni.size > best) {
      throw unsupportedEncoding(
        'VNI (phông VNI-Times)',
        'hãy chuyển sang Unicode (ví dụ bằng Unikey: Công cụ chuyển mã, VNI Windows → Unicode) rồi lưu lại.',
      );
    }
    if (best < 3) return;
    const columns = tcvn3.size > plain.size ? tcvn3 : plain;
    this.legacyFont = tcvn3.size > plain.size ? 'TCVN3' : null;
    const missing = KEYS.filter((k) => COLUMNS[k].required && !columns.has(k));
    if (missing.length > 0) {
      const labels = missing.map((k) => COLUMNS[k].label);
      throw new RosterFileError(
        'MISSING_COLUMN',
        `Thiếu cột bắt buộc: ${labels.join(', ')} (dòng tiêu đề là dòng ${record.row}). Không dòng nào được nhập.`,
        labels.map((label) => ({
          row: record.row,
          column: label,
          code: 'MISSING_COLUMN',
          message: `Thiếu cột "${label}".`,
        })),
      );
    }
    this.columns = columns;
    this.headerRow = record.row;
  }

  private validate(record: SourceRecord): RosterRowResult {
    const columns = this.columns!;
    const row = record.row;
    const raw = new Map<ColumnKey, string>();
    const clean = new Map<ColumnKey, string>();
    for (const k of KEYS) {
      const i = columns.get(k);
      if (i === undefined) continue;
      const original = record.cells[i] ?? '';
      const text = this.legacyFont === 'TCVN3' ? tcvn3TextToUnicode(original) : original;
      raw.set(k, text);
      clean.set(k, normaliseText(text.replace(CONTROL, '')));
    }
    const issues: RowIssue[] = [];
    const issue = (k: ColumnKey, code: RowIssue['code'], message: string): RowIssue => ({
      row,
      column: COLUMNS[k].label,
      value: cut(raw.get(k) ?? ''),
      code,
      message,
    });
    const v = (k: ColumnKey) => clean.get(k) ?? '';
    const usable = new Set<ColumnKey>();
    for (const k of KEYS) {
      const value = v(k);
      const label = COLUMNS[k].label;
      if (value.length > this.maxCell) {
        issues.push(
          issue(k, 'FIELD_TOO_LONG', `Ô "${label}" dài ${value.length} ký tự, quá giới hạn ${this.maxCell}.`),
        );
      } else if (value.includes('\ufffd')) {
        issues.push(
          issue(k, 'INVALID_CHARACTER', `Ô "${label}" chứa ký tự lỗi mã hóa (�): hãy gõ lại ô này.`),
        );
      } else if (COLUMNS[k].required && value === '') {
        issues.push(issue(k, 'MISSING_REQUIRED', `Thiếu "${label}".`));
      } else {
        usable.add(k);
      }
    }
    const phone = usable.has('phone') ? normalisePhone(v('phone')) : null;
    if (phone && !phone.ok) {
      issues.push(
        issue(
          'phone',
          'INVALID_PHONE',
          'Số điện thoại không hợp lệ: cần 10 số di động (09…, 03…) hoặc số máy bàn 02… (11 số).',
        ),
      );
    }
    const completedOn = usable.has('completedOn') ? parseRosterDate(v('completedOn')) : null;
    if (usable.has('completedOn') && !completedOn) {
      issues.push(
        issue(
          'completedOn',
          'INVALID_DATE',
          `Ngày "${v('completedOn')}" không hợp lệ (dùng ngày/tháng/năm, ví dụ 05/03/2026).`,
        ),
      );
    }
    let unitCode = v('unitCode');
    if (usable.has('unitCode') && this.units) {
      const known = this.units.get(foldKey(unitCode));
      if (known === undefined) {
        issues.push(issue('unitCode', 'UNKNOWN_UNIT', `Mã đơn vị "${unitCode}" không thuộc đợt khảo sát.`));
      } else {
        unitCode = known;
      }
    }
    let fieldCode = v('field');
    if (usable.has('field') && this.fields) {
      const known = this.fields.get(foldKey(fieldCode));
      if (known === undefined) {
        issues.push(issue('field', 'UNKNOWN_FIELD', `Lĩnh vực "${fieldCode}" không thuộc đợt khảo sát.`));
      } else {
        fieldCode = known;
      }
    }
    const dossierId = v('dossierId');
    if (issues.length === 0) {
      // Rule 10: the first accepted occurrence is kept; later ones are errors.
      const first = this.seen.setIfAbsent(dossierId, row);
      if (first !== undefined) {
        issues.push(
          issue('dossierId', 'DUPLICATE_DOSSIER', `Mã hồ sơ "${dossierId}" trùng với dòng ${first}.`),
        );
      }
    }
    if (issues.length > 0 || !phone?.ok || !completedOn) return { kind: 'rejected', row, issues };

    const warnings: RowIssue[] = [];
    if (phone.warning === 'PHONE_LANDLINE')
      warnings.push(issue('phone', 'PHONE_LANDLINE', 'Số máy bàn: khó liên hệ qua tin nhắn.'));
    if (phone.warning === 'PHONE_LEGACY_CONVERTED') {
      warnings.push(
        issue(
          'phone',
          'PHONE_LEGACY_CONVERTED',
          `Số 11 chữ số cũ đã được chuyển sang đầu số mới (${phone.e164}).`,
        ),
      );
    }
    const birthYear = birthYearOf(v('birthYear'));
    const sex = v('sex');
    const address = v('address');
    const raterGroup = v('raterGroup').toUpperCase();
    return {
      kind: 'accepted',
      row,
      fullName: v('fullName'),
      phoneE164: phone.e164,
      phoneKind: phone.kind,
      dossierId,
      field: v('field'),
      fieldCode,
      unitCode,
      completedOn,
      ...(birthYear ? { birthYear } : {}),
      ...(sex ? { sex } : {}),
      ...(address ? { address } : {}),
      ...(raterGroup ? { raterGroup } : {}),
      warnings,
    };
  }
}

/** A four-digit year, or the year of a full birth date; anything else is left out (optional column). */
const birthYearOf = (value: string): number | undefined => {
  const year = /^\d{4}$/.test(value) ? Number(value) : Number(parseRosterDate(value)?.slice(0, 4));
  return Number.isInteger(year) && year > 1900 && year <= 2100 ? year : undefined;
};
