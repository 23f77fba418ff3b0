/**
 * Fields (lĩnh vực) and their administrative procedures (thủ tục hành chính) per level of government,
 * imported beside a unit catalogue: one row per procedure (or a field row without a procedure).
 * Columns (by alias, any order, header within the first 20 rows):
 *   Mã lĩnh vực* · Tên lĩnh vực* · Cấp* (levels separated by "|": sở / huyện / xã, or their codes
 *   department / district / commune) · Mã thủ tục · Tên thủ tục
 * Rows of one field repeat its code; its name and levels must agree. Errors name the row.
 */
import { parseCsvRecords, unguardCell } from './csv.ts';
import { CatalogueError, type Issue } from './errors.ts';
import { LEVEL_NAME_VI, type OrgLevel } from './org-unit.ts';
import { foldKey, normaliseText } from './text.ts';

export interface CatalogueField {
  code: string;
  name: string;
  levels: OrgLevel[];
  procedures: Array<{ code: string; name: string }>;
}

type Column = 'code' | 'name' | 'levels' | 'procedureCode' | 'procedureName';

const HEADERS: Readonly<Record<Column, string>> = {
  code: 'Mã lĩnh vực',
  name: 'Tên lĩnh vực',
  levels: 'Cấp',
  procedureCode: 'Mã thủ tục',
  procedureName: 'Tên thủ tục',
};
const ALIASES: Readonly<Record<Column, readonly string[]>> = {
  code: ['Mã lĩnh vực', 'field_code'],
  name: ['Tên lĩnh vực', 'field_name'],
  levels: ['Cấp', 'Cấp áp dụng', 'levels'],
  procedureCode: ['Mã thủ tục', 'Mã TTHC', 'procedure_code'],
  procedureName: ['Tên thủ tục', 'Tên TTHC', 'procedure_name'],
};
const REQUIRED: readonly Column[] = ['code', 'name', 'levels'];
const COLUMN_BY_KEY = new Map<string, Column>(
  (Object.entries(ALIASES) as Array<[Column, readonly string[]]>).flatMap(([col, names]) =>
    names.map((n) => [foldKey(n), col] as [string, Column]),
  ),
);
const FIELD_LEVELS: readonly OrgLevel[] = ['department', 'district', 'commune'];
const LEVEL_BY_KEY = new Map<string, OrgLevel>([
  ...FIELD_LEVELS.map((l) => [foldKey(l), l] as [string, OrgLevel]),
  ...FIELD_LEVELS.map((l) => [foldKey(LEVEL_NAME_VI[l]), l] as [string, OrgLevel]),
  [foldKey('Sở'), 'department'],
  [foldKey('tỉnh'), 'department'],
  [foldKey('Huyện'), 'district'],
  [foldKey('Xã'), 'commune'],
]);
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Parse and check a fields-and-procedures sheet; throws `CatalogueError` naming every bad row. */
export function parseFieldCatalogue(records: string[][]): CatalogueField[] {
  let header: { row: number; columns: Map<Column, number> } | null = null;
  for (let r = 0; r < Math.min(records.length, 20) && header === null; r++) {
    const columns = new Map<Column, number>();
    (records[r] ?? []).forEach((cell, i) => {
      const col = COLUMN_BY_KEY.get(foldKey(cell));
      if (col !== undefined && !columns.has(col)) columns.set(col, i);
    });
    if (REQUIRED.every((c) => columns.has(c))) header = { row: r, columns };
  }
  if (header === null) {
    const where = 'bảng lĩnh vực';
    throw new CatalogueError([
      {
        where,
        code: 'MISSING_COLUMN',
        message: `${where}: thiếu cột ${REQUIRED.map((c) => `"${HEADERS[c]}"`).join(', ')}`,
      },
    ]);
  }
  const { row: headerRow, columns } = header;
  const issues: Issue[] = [];
  const fields = new Map<string, CatalogueField & { row: number }>();
  const procedures = new Map<string, number>();
  for (let r = headerRow + 1; r < records.length; r++) {
    const record = records[r] ?? [];
    if (record.every((c) => c.trim() === '')) continue;
    const row = r + 1;
    const cell = (col: Column) => {
      const i = columns.get(col);
      return i === undefined ? '' : normaliseText(unguardCell(record[i] ?? ''));
    };
    const add = (code: string, column: Column, message: string) => {
      const where = `bảng lĩnh vực, dòng ${row}, cột ${HEADERS[column]}`;
      issues.push({ where, code, message: `${where}: ${message}` });
    };
    const missing = REQUIRED.filter((c) => cell(c) === '');
    if (missing.length > 0) {
      add(
        'MISSING_REQUIRED',
        missing[0] as Column,
        `thiếu ${missing.map((c) => `"${HEADERS[c]}"`).join(', ')}`,
      );
      continue;
    }
    const code = cell('code');
    if (!CODE.test(code)) {
      add('INVALID_CODE', 'code', `mã lĩnh vực "${code}" chỉ gồm chữ không dấu, số, ".", "_", "-"`);
      continue;
    }
    const rawLevels = cell('levels')
      .split('|')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const levels = rawLevels.map((l) => LEVEL_BY_KEY.get(foldKey(l)));
    const unknown = rawLevels.filter((_, i) => levels[i] === undefined);
    if (unknown.length > 0) {
      add('UNKNOWN_LEVEL', 'levels', `cấp "${unknown.join('|')}" không hợp lệ (sở, huyện, xã)`);
      continue;
    }
    const levelSet = [...new Set(levels as OrgLevel[])].sort();
    const existing = fields.get(code);
    if (existing === undefined) {
      fields.set(code, { code, name: cell('name'), levels: levelSet, procedures: [], row });
    } else if (existing.name !== cell('name') || existing.levels.join('|') !== levelSet.join('|')) {
      add(
        'FIELD_CONFLICT',
        existing.name !== cell('name') ? 'name' : 'levels',
        `lĩnh vực "${code}" đã khai báo khác ở dòng ${existing.row}`,
      );
      continue;
    }
    const procedureCode = cell('procedureCode');
    if (procedureCode === '') continue;
    if (cell('procedureName') === '') {
      add('MISSING_REQUIRED', 'procedureName', `thiếu "${HEADERS.procedureName}"`);
      continue;
    }
    const seenAt = procedures.get(procedureCode);
    if (seenAt !== undefined) {
      add('DUPLICATE_CODE', 'procedureCode', `mã thủ tục "${procedureCode}" đã có ở dòng ${seenAt}`);
      continue;
    }
    procedures.set(procedureCode, row);
    fields.get(code)?.procedures.push({ code: procedureCode, name: cell('procedureName') });
  }
  if (issues.length > 0) throw new CatalogueError(issues);
  return [...fields.values()].map(({ row: _row, ...f }) => f);
}

/** The same sheet from CSV text. */
export function parseFieldCatalogueCsv(text: string): CatalogueField[] {
  return parseFieldCatalogue(parseCsvRecords(text));
}
