/**
 * Catalogue import/export as CSV. Columns (recognised by alias, ignoring case, diacritics, spaces,
 * "_" and "-"; any order; unknown columns ignored; header found within the first 20 rows):
 *   Mã đơn vị* · Tên đơn vị* · Loại* · Mã đơn vị cấp trên · Hiệu lực từ* · Hiệu lực đến · Mã đơn vị kế thừa
 * Type: the code (`ward`) or the Vietnamese name ("Phường"). Dates: yyyy-mm-dd or dd/mm/yyyy (day first).
 * Successors separated by "|". Export writes the same columns (type codes, ISO dates), UTF-8 with BOM,
 * CRLF, formula-safe cells; `parseCatalogueCsv(catalogueToCsv(x))` gives x back.
 */

import { csvCell, parseCsvRecords, unguardCell } from './csv.ts';
import { CatalogueError, type Issue } from './errors.ts';
import {
  type CatalogueOptions,
  ORG_UNIT_TYPES,
  type OrgUnit,
  type OrgUnitType,
  TYPE_NAME_VI,
  validateCatalogue,
} from './org-unit.ts';
import { foldKey, normaliseText } from './text.ts';

type Column = 'code' | 'name' | 'type' | 'parentCode' | 'validFrom' | 'validTo' | 'successorCodes';

const HEADERS: Readonly<Record<Column, string>> = {
  code: 'Mã đơn vị',
  name: 'Tên đơn vị',
  type: 'Loại',
  parentCode: 'Mã đơn vị cấp trên',
  validFrom: 'Hiệu lực từ',
  validTo: 'Hiệu lực đến',
  successorCodes: 'Mã đơn vị kế thừa',
};

const ALIASES: Readonly<Record<Column, readonly string[]>> = {
  code: ['Mã đơn vị', 'Mã', 'Mã ĐVHC', 'code'],
  name: ['Tên đơn vị', 'Tên', 'name'],
  type: ['Loại', 'Loại đơn vị', 'type'],
  parentCode: ['Mã đơn vị cấp trên', 'Mã cấp trên', 'Mã cha', 'parent_code', 'parent'],
  validFrom: ['Hiệu lực từ', 'Từ ngày', 'valid_from'],
  validTo: ['Hiệu lực đến', 'Đến ngày', 'valid_to'],
  successorCodes: ['Mã đơn vị kế thừa', 'Mã kế thừa', 'successor_codes', 'successors'],
};
const REQUIRED: readonly Column[] = ['code', 'name', 'type', 'validFrom'];

const COLUMN_BY_KEY = new Map<string, Column>(
  (Object.entries(ALIASES) as Array<[Column, readonly string[]]>).flatMap(([col, names]) =>
    names.map((n) => [foldKey(n), col] as [string, Column]),
  ),
);

const TYPE_BY_KEY = new Map<string, OrgUnitType>([
  ...ORG_UNIT_TYPES.map((t) => [foldKey(t), t] as [string, OrgUnitType]),
  ...ORG_UNIT_TYPES.map((t) => [foldKey(TYPE_NAME_VI[t]), t] as [string, OrgUnitType]),
  [foldKey('Ban'), 'agency'],
  [foldKey('Ngành'), 'agency'],
  [foldKey('Thành phố thuộc thành phố trực thuộc trung ương'), 'provincial-city'],
]);

/** dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd → yyyy-mm-dd; `null` when impossible. */
export function parseDate(value: string): string | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : vn ? [vn[3], vn[2], vn[1]] : [];
  if (y === undefined || m === undefined || d === undefined) return null;
  const out = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const date = new Date(`${out}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === out ? out : null;
}

function findHeader(records: string[][]): { row: number; columns: Map<Column, number> } | null {
  for (let r = 0; r < Math.min(records.length, 20); r++) {
    const columns = new Map<Column, number>();
    (records[r] ?? []).forEach((cell, i) => {
      const col = COLUMN_BY_KEY.get(foldKey(cell));
      if (col !== undefined && !columns.has(col)) columns.set(col, i);
    });
    if (columns.has('code') && columns.has('name')) return { row: r, columns };
  }
  return null;
}

/**
 * Parse a catalogue CSV and validate it (see `validateCatalogue`). Throws `CatalogueError` listing every
 * problem with its spreadsheet row number.
 */
export function parseCatalogueCsv(text: string, options: Omit<CatalogueOptions, 'rows'> = {}): OrgUnit[] {
  const records = parseCsvRecords(text);
  const fail = (code: string, message: string): never => {
    throw new CatalogueError([{ where: 'tệp CSV', code, message: `tệp CSV: ${message}` }]);
  };
  if (records.every((r) => r.every((c) => c.trim() === ''))) fail('EMPTY_FILE', 'tệp rỗng');
  const header =
    findHeader(records) ?? fail('MISSING_COLUMN', `thiếu cột "${HEADERS.code}" hoặc "${HEADERS.name}"`);
  for (const col of REQUIRED) {
    if (!header.columns.has(col)) fail('MISSING_COLUMN', `thiếu cột "${HEADERS[col]}"`);
  }

  const units: OrgUnit[] = [];
  const rows: number[] = [];
  const issues: Issue[] = [];
  for (let r = header.row + 1; r < records.length; r++) {
    const record = records[r] ?? [];
    if (record.every((c) => c.trim() === '')) continue;
    const row = r + 1;
    const cell = (col: Column) => {
      const i = header.columns.get(col);
      return i === undefined ? '' : normaliseText(unguardCell(record[i] ?? ''));
    };
    const rowIssue = (code: string, message: string) => {
      const where = `dòng ${row}`;
      issues.push({ where, code, message: `${where}: ${message}` });
    };
    const missing = REQUIRED.filter((c) => cell(c) === '');
    if (missing.length > 0) {
      rowIssue('MISSING_REQUIRED', `thiếu ${missing.map((c) => `"${HEADERS[c]}"`).join(', ')}`);
      continue;
    }
    const type = TYPE_BY_KEY.get(foldKey(cell('type')));
    if (type === undefined) {
      rowIssue('UNKNOWN_TYPE', `loại đơn vị "${cell('type')}" không hợp lệ`);
      continue;
    }
    const validFrom = parseDate(cell('validFrom'));
    const validTo = cell('validTo') === '' ? null : parseDate(cell('validTo'));
    if (validFrom === null || (cell('validTo') !== '' && validTo === null)) {
      rowIssue(
        'INVALID_DATE',
        `ngày "${validFrom === null ? cell('validFrom') : cell('validTo')}" không hợp lệ`,
      );
      continue;
    }
    units.push({
      code: cell('code'),
      name: cell('name'),
      type,
      parentCode: cell('parentCode') === '' ? null : cell('parentCode'),
      validFrom,
      validTo,
      successorCodes: cell('successorCodes')
        .split('|')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    });
    rows.push(row);
  }
  if (issues.length > 0) throw new CatalogueError(issues);
  return validateCatalogue(units, { ...options, rows });
}

export function catalogueToCsv(
  units: readonly OrgUnit[],
  options: { delimiter?: ',' | ';' | '\t'; bom?: boolean } = {},
): string {
  const delimiter = options.delimiter ?? ',';
  const columns = Object.keys(HEADERS) as Column[];
  const line = (cells: string[]) => cells.map((c) => csvCell(c, delimiter)).join(delimiter);
  const lines = [
    line(columns.map((c) => HEADERS[c])),
    ...units.map((u) =>
      line([
        u.code,
        u.name,
        u.type,
        u.parentCode ?? '',
        u.validFrom,
        u.validTo ?? '',
        u.successorCodes.join('|'),
      ]),
    ),
  ];
  return `${options.bom === false ? '' : '\uFEFF'}${lines.join('\r\n')}\r\n`;
}
