/**
 * The year's PAR criteria tree as a spreadsheet (docs/par.md): one row per node (lĩnh vực, tiêu chí,
 * tiêu chí thành phần), its parent by code, in any order. Columns are recognised by alias (case,
 * diacritics, spaces and underscores ignored); metadata the file does not carry (id, year, level, title)
 * comes from the caller. The result is validated by `parseParCriteriaConfig` (maxima add up, codes
 * unique, at most three levels); every problem names its row and column.
 */
import { parseCsvRecords, unguardCell } from './csv.ts';
import { ConfigError, type Issue } from './errors.ts';
import {
  type CriterionNode,
  type EvaluationMethod,
  type ParCriteriaConfig,
  parseParCriteriaConfig,
} from './par-criteria.ts';

export const PAR_CRITERIA_COLUMNS = [
  'code',
  'parent',
  'title',
  'maxPoints',
  'method',
  'evidenceRequired',
  'applicable',
  'surveyElements',
] as const;
type Column = (typeof PAR_CRITERIA_COLUMNS)[number];

/** Header aliases, compared after `criteriaHeaderKey` (lower case, no diacritics, no spaces/_/-). */
export const PAR_CRITERIA_ALIASES: Readonly<Record<Column, readonly string[]>> = {
  code: ['ma', 'ma tieu chi', 'code'],
  parent: ['ma cap tren', 'cap tren', 'thuoc', 'parent'],
  title: ['noi dung', 'ten tieu chi', 'tieu chi', 'title'],
  maxPoints: ['diem toi da', 'diem', 'max points', 'maxpoints'],
  method: ['phuong phap', 'phuong phap danh gia', 'cach cham', 'method'],
  evidenceRequired: [
    'can tai lieu kiem chung',
    'tai lieu kiem chung',
    'evidence required',
    'evidencerequired',
  ],
  applicable: ['ap dung', 'applicable'],
  surveyElements: ['yeu to khao sat', 'linh vuc khao sat', 'survey elements', 'surveyelements'],
};
const REQUIRED: readonly Column[] = ['code', 'title', 'maxPoints', 'method'];
const COLUMN_LABEL: Record<Column, string> = {
  code: 'Mã',
  parent: 'Mã cấp trên',
  title: 'Nội dung',
  maxPoints: 'Điểm tối đa',
  method: 'Phương pháp',
  evidenceRequired: 'Cần tài liệu kiểm chứng',
  applicable: 'Áp dụng',
  surveyElements: 'Yếu tố khảo sát',
};

export const criteriaHeaderKey = (value: string): string =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

const METHODS: Record<string, EvaluationMethod> = {
  appraisal: 'appraisal',
  thamdinh: 'appraisal',
  tudanhgia: 'appraisal',
  survey: 'survey',
  dieutra: 'survey',
  dieutraxahoihoc: 'survey',
  khaosat: 'survey',
  formula: 'formula',
  congthuc: 'formula',
  solieu: 'formula',
};
const YES = new Set(['co', 'x', 'yes', 'true', '1']);
const NO = new Set(['khong', 'no', 'false', '0']);

export interface ParCriteriaMeta {
  id: string;
  year: number;
  level: ParCriteriaConfig['level'];
  title: string;
  methodRef?: string;
  surveyTemplateId?: string;
  /** Default: the sum of the fields' maxima. */
  declaredMaxPoints?: number;
  version?: number;
}

/** A criteria CSV (`,` `;` or TAB; header within the first 20 rows) → a validated criteria tree. */
export function importParCriteriaCsv(text: string, meta: ParCriteriaMeta): ParCriteriaConfig {
  const records = parseCsvRecords(text);
  const want = new Map<string, Column>();
  for (const c of PAR_CRITERIA_COLUMNS)
    for (const a of PAR_CRITERIA_ALIASES[c]) want.set(criteriaHeaderKey(a), c);
  const headerIndex = records
    .slice(0, 20)
    // The header: a row naming at least three known columns (a missing required one is then named).
    .findIndex((r) => r.filter((cell) => want.has(criteriaHeaderKey(cell))).length >= 3);
  if (headerIndex < 0) {
    throw new ConfigError([
      {
        where: 'tệp bộ tiêu chí',
        code: 'MISSING_HEADER',
        message: `tệp bộ tiêu chí: không tìm thấy dòng tiêu đề (cần các cột ${REQUIRED.map((c) => COLUMN_LABEL[c]).join(', ')})`,
      },
    ]);
  }
  const header = records[headerIndex] ?? [];
  const at = new Map<Column, number>();
  header.forEach((cell, i) => {
    const c = want.get(criteriaHeaderKey(cell));
    if (c !== undefined && !at.has(c)) at.set(c, i);
  });
  const missing = REQUIRED.filter((c) => !at.has(c));
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((c) => ({
        where: `cột "${COLUMN_LABEL[c]}"`,
        code: 'MISSING_COLUMN',
        message: `tệp bộ tiêu chí: thiếu cột "${COLUMN_LABEL[c]}"`,
      })),
    );
  }
  const issues: Issue[] = [];
  interface Row {
    row: number;
    parent: string;
    node: CriterionNode;
  }
  const rows: Row[] = [];
  records.slice(headerIndex + 1).forEach((record, i) => {
    const row = headerIndex + i + 2;
    const cell = (c: Column) => {
      const idx = at.get(c);
      return idx === undefined ? '' : unguardCell((record[idx] ?? '').trim());
    };
    if (record.every((v) => v.trim() === '')) return;
    const problem = (c: Column, code: string, what: string) =>
      issues.push({
        where: `dòng ${row}, cột "${COLUMN_LABEL[c]}"`,
        code,
        message: `dòng ${row}, cột "${COLUMN_LABEL[c]}": ${what}`,
      });
    const code = cell('code');
    const title = cell('title');
    if (code === '') problem('code', 'MISSING_REQUIRED', 'thiếu mã tiêu chí');
    if (title === '') problem('title', 'MISSING_REQUIRED', 'thiếu nội dung tiêu chí');
    const rawMax = cell('maxPoints').replace(',', '.');
    const maxPoints = Number(rawMax);
    if (rawMax === '' || !Number.isFinite(maxPoints) || maxPoints <= 0) {
      problem('maxPoints', 'INVALID_NUMBER', `điểm tối đa "${cell('maxPoints')}" phải là số dương`);
    }
    const method = METHODS[criteriaHeaderKey(cell('method'))];
    if (method === undefined) {
      problem(
        'method',
        'INVALID_METHOD',
        `phương pháp "${cell('method')}" không hợp lệ (thẩm định, điều tra xã hội học hoặc công thức)`,
      );
    }
    const flag = (c: Column, dflt: boolean): boolean => {
      const v = criteriaHeaderKey(cell(c));
      if (v === '') return dflt;
      if (YES.has(v)) return true;
      if (NO.has(v)) return false;
      problem(c, 'INVALID_FLAG', `giá trị "${cell(c)}" phải là "có" hoặc "không"`);
      return dflt;
    };
    const evidenceRequired = flag('evidenceRequired', method === 'appraisal');
    const applicable = flag('applicable', true);
    const elements = cell('surveyElements')
      .split(/[;,\s]+/)
      .filter(Boolean);
    rows.push({
      row,
      parent: cell('parent'),
      node: {
        code,
        title,
        maxPoints,
        method: method ?? 'appraisal',
        evidenceRequired,
        applicable,
        ...(elements.length > 0 ? { surveyElements: elements } : {}),
      },
    });
  });
  if (rows.length === 0 && issues.length === 0) {
    issues.push({
      where: 'tệp bộ tiêu chí',
      code: 'NO_DATA_ROWS',
      message: 'tệp bộ tiêu chí: không có dòng tiêu chí nào',
    });
  }
  const byCode = new Map<string, Row>();
  for (const r of rows) {
    if (r.node.code === '') continue;
    if (byCode.has(r.node.code)) {
      issues.push({
        where: `dòng ${r.row}, cột "Mã"`,
        code: 'DUPLICATE_CODE',
        message: `dòng ${r.row}, cột "Mã": mã "${r.node.code}" đã có ở dòng ${byCode.get(r.node.code)?.row}`,
      });
    } else byCode.set(r.node.code, r);
  }
  const fields: CriterionNode[] = [];
  for (const r of rows) {
    if (r.parent === '') {
      fields.push(r.node);
      continue;
    }
    const parent = byCode.get(r.parent);
    if (parent === undefined || parent === r) {
      issues.push({
        where: `dòng ${r.row}, cột "Mã cấp trên"`,
        code: 'UNKNOWN_PARENT',
        message: `dòng ${r.row}, cột "Mã cấp trên": không có tiêu chí "${r.parent}" trong tệp`,
      });
      continue;
    }
    parent.node.children = [...(parent.node.children ?? []), r.node];
  }
  const count = (n: CriterionNode): number => 1 + (n.children ?? []).reduce((s, c) => s + count(c), 0);
  if (issues.length === 0 && fields.reduce((s, f) => s + count(f), 0) !== byCode.size) {
    issues.push({
      where: 'cột "Mã cấp trên"',
      code: 'PARENT_CYCLE',
      message: 'tệp bộ tiêu chí: các tiêu chí tham chiếu vòng tròn qua cột "Mã cấp trên"',
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const declaredMaxPoints =
    meta.declaredMaxPoints ?? Math.round(fields.reduce((s, f) => s + f.maxPoints, 0) * 1e6) / 1e6;
  return parseParCriteriaConfig({
    id: meta.id,
    version: meta.version ?? 1,
    year: meta.year,
    level: meta.level,
    title: meta.title,
    ...(meta.methodRef ? { methodRef: meta.methodRef } : {}),
    ...(meta.surveyTemplateId ? { surveyTemplateId: meta.surveyTemplateId } : {}),
    declaredMaxPoints,
    fields,
  });
}
