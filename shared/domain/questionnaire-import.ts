/**
 * Questionnaire import: the year's form as a spreadsheet (CSV, or rows an XLSX reader produced) or as
 * JSON, validated into a `QuestionnaireTemplate` (docs/questionnaire-layout.md describes the layout).
 *
 * Spreadsheet = an optional header block of "key | value" rows (template id, title, year, kind, version,
 * method, scale labels, aspects, elements) above a table with one row per question:
 *   id* · section* · section_title · text* · type* · options · required · element · aspect · scored ·
 *   provenance · max_length · max_selections · max_points · source · section_description
 * Headers are recognised by alias (Vietnamese or English), ignoring case, diacritics, spaces, "_" and
 * "-", in any order; unknown columns are ignored. Every problem is reported at once, each naming its
 * spreadsheet row and column (`where: 'dòng 12, cột element'`), as a `TemplateError` — the same error the
 * JSON path and `parseTemplate` throw, so one HTTP mapping covers both.
 *
 * The domain never reads XLSX itself (no exceljs here): the service turns a sheet into a grid of strings
 * and calls `importQuestionnaireGrid`, or passes keyed records to `importQuestionnaire`.
 */
import { z } from 'zod';
import { csvCell, parseCsvRecords, unguardCell } from './csv.ts';
import { type Issue, IssuesError, TemplateError } from './errors.ts';
import {
  CODE_PATTERN,
  parseTemplate,
  QUESTION_ID_PATTERN,
  type Question,
  type QuestionnaireTemplate,
  type QuestionType,
  type Section,
  type TemplateAspect,
  type TemplateElement,
  type TemplateKind,
} from './template.ts';
import { SATISFACTION_LABELS_VI, SIPAS_2024 } from './template-sipas-2024.ts';
import { foldKey, normaliseText } from './text.ts';

/** One spreadsheet row: its 1-based row number and its cells keyed by the header as written. */
export interface SheetRecord {
  row: number;
  cells: Readonly<Record<string, string>>;
}

/** An import problem; `row`/`column` let a UI point at the cell (column = canonical column name). */
export interface SheetIssue extends Issue {
  row?: number;
  column?: string;
}

export type Provenance = Question['provenance'];
export type TargetLevel = NonNullable<QuestionnaireTemplate['targetLevels']>[number];

/** Template metadata: from the header block, from the caller (service form fields), or both. */
export interface QuestionnaireMeta {
  id: string;
  title: string;
  year: number;
  kind: TemplateKind;
  version: number;
  methodRef?: string;
  respondents?: string;
  /** Five labels, level 1..5. Default: QĐ 1001 wording (Rất không hài lòng … Rất hài lòng). */
  scaleLabels?: string[];
  /** Default [4, 5]. */
  satisfiedLevels?: number[];
  aspects?: TemplateAspect[];
  elements?: TemplateElement[];
  /** PAR forms: total of the items' max points (checked exactly). */
  declaredMaxPoints?: number;
  /** PAR forms: levels of the units rated with this form. */
  targetLevels?: TargetLevel[];
  /** Provenance of rows whose provenance cell is blank. */
  defaultProvenance?: Provenance;
}
export type QuestionnaireMetaInput = Partial<QuestionnaireMeta>;

const metaInputSchema = z
  .object({
    id: z.string().regex(CODE_PATTERN, 'mã mẫu phiếu chỉ gồm chữ, số, ".", "_", "-"'),
    title: z.string().min(1),
    year: z.number().int().min(2000).max(2100),
    kind: z.enum(['SIPAS', 'PAR']),
    version: z.number().int().positive(),
    methodRef: z.string().min(1),
    respondents: z.string().min(1),
    scaleLabels: z.array(z.string().min(1)).length(5),
    satisfiedLevels: z.array(z.number().int().min(1).max(5)).min(1),
    aspects: z.array(z.object({ code: z.string().regex(CODE_PATTERN), name: z.string().min(1) })),
    elements: z.array(
      z.object({
        code: z.string().regex(CODE_PATTERN),
        name: z.string().min(1),
        aspectCode: z.string().optional(),
      }),
    ),
    declaredMaxPoints: z.number().positive(),
    targetLevels: z.array(z.enum(['department', 'district', 'commune'])).min(1),
    defaultProvenance: z.enum(['official', 'adapted']),
  })
  .partial()
  .strict();

// ---------------------------------------------------------------------------------------------------
// Columns and vocabularies

export const QUESTIONNAIRE_COLUMNS = [
  'id',
  'section',
  'section_title',
  'text',
  'type',
  'options',
  'required',
  'element',
  'aspect',
  'scored',
  'provenance',
  'max_length',
  'max_selections',
  'max_points',
  'source',
  'section_description',
] as const;
export type QuestionnaireColumn = (typeof QUESTIONNAIRE_COLUMNS)[number];

const REQUIRED_COLUMNS: readonly QuestionnaireColumn[] = ['id', 'section', 'text', 'type'];

/** Accepted headers per column (compared with `foldKey`: case, diacritics, spaces, "_" and "-" ignored). */
export const QUESTIONNAIRE_COLUMN_ALIASES: Readonly<Record<QuestionnaireColumn, readonly string[]>> = {
  id: ['id', 'Mã câu hỏi', 'Mã', 'question_id'],
  section: ['section', 'Phần', 'Mã phần', 'section_id'],
  section_title: ['section_title', 'Tên phần', 'Tiêu đề phần'],
  text: ['text', 'Nội dung', 'Nội dung câu hỏi', 'Câu hỏi', 'question'],
  type: ['type', 'Loại câu hỏi', 'Loại', 'Kiểu'],
  options: ['options', 'Phương án', 'Các phương án', 'Phương án trả lời', 'Lựa chọn'],
  required: ['required', 'Bắt buộc'],
  element: ['element', 'Yếu tố', 'Mã yếu tố', 'Nội dung thành phần', 'element_code'],
  aspect: ['aspect', 'Khía cạnh'],
  scored: ['scored', 'Tính điểm', 'Chấm điểm'],
  provenance: ['provenance', 'Nguồn gốc'],
  max_length: ['max_length', 'Độ dài tối đa', 'Số ký tự tối đa'],
  max_selections: ['max_selections', 'Số lựa chọn tối đa', 'Chọn tối đa'],
  max_points: ['max_points', 'Điểm tối đa'],
  source: ['source', 'Nguồn', 'Trích dẫn'],
  section_description: ['section_description', 'Mô tả phần', 'Ghi chú phần'],
};

const COLUMN_BY_KEY = new Map<string, QuestionnaireColumn>(
  (Object.entries(QUESTIONNAIRE_COLUMN_ALIASES) as Array<[QuestionnaireColumn, readonly string[]]>).flatMap(
    ([col, names]) => names.map((n) => [foldKey(n), col] as [string, QuestionnaireColumn]),
  ),
);

type MetaKey = Exclude<keyof QuestionnaireMeta, 'aspects' | 'elements'> | 'aspect' | 'element';

/** Keys of the header block (first cell of a row above the question table). */
export const QUESTIONNAIRE_META_ALIASES: Readonly<Record<MetaKey, readonly string[]>> = {
  id: ['Mã mẫu phiếu', 'Mã phiếu', 'template_id'],
  title: ['Tên mẫu phiếu', 'Tên phiếu', 'Tiêu đề', 'title'],
  year: ['Năm', 'year'],
  kind: ['Loại khảo sát', 'Loại phiếu', 'kind'],
  version: ['Phiên bản', 'version'],
  methodRef: ['Căn cứ', 'Căn cứ phương pháp', 'method_ref', 'methodRef'],
  respondents: ['Đối tượng khảo sát', 'Đối tượng', 'respondents'],
  scaleLabels: ['Thang đo', 'Nhãn thang đo', 'scale', 'scale_labels'],
  satisfiedLevels: ['Mức hài lòng', 'satisfied_levels'],
  declaredMaxPoints: ['Tổng điểm tối đa', 'declared_max_points'],
  targetLevels: ['Cấp được đánh giá', 'Cấp đơn vị được đánh giá', 'target_levels'],
  defaultProvenance: ['Nguồn gốc mặc định', 'default_provenance'],
  aspect: ['Khía cạnh', 'aspect'],
  element: ['Yếu tố', 'element'],
};

const META_BY_KEY = new Map<string, MetaKey>(
  (Object.entries(QUESTIONNAIRE_META_ALIASES) as Array<[MetaKey, readonly string[]]>).flatMap(
    ([key, names]) => names.map((n) => [foldKey(n), key] as [string, MetaKey]),
  ),
);

const vocabulary = <T>(entries: Array<[T, readonly string[]]>) =>
  new Map<string, T>(
    entries.flatMap(([value, words]) => words.map((w) => [foldKey(w), value] as [string, T])),
  );

const TYPE_BY_KEY = vocabulary<QuestionType>([
  ['scale', ['scale', 'thang đo', 'thang điểm', 'mức độ hài lòng']],
  ['single', ['single', 'một lựa chọn', 'chọn một', 'đơn lựa chọn']],
  ['multi', ['multi', 'nhiều lựa chọn', 'chọn nhiều', 'đa lựa chọn']],
  ['text', ['text', 'tự luận', 'văn bản', 'câu hỏi mở', 'mở']],
]);

const PROVENANCE_BY_KEY = vocabulary<Provenance>([
  ['official', ['official', 'chính thức', 'theo mẫu chính thức']],
  ['adapted', ['adapted', 'điều chỉnh', 'biên soạn', 'phỏng theo']],
]);

const KIND_BY_KEY = vocabulary<TemplateKind>([
  ['SIPAS', ['SIPAS', 'chỉ số hài lòng']],
  ['PAR', ['PAR', 'PAR Index', 'chỉ số cải cách hành chính']],
]);

const LEVEL_BY_KEY = vocabulary<TargetLevel>([
  ['department', ['department', 'sở', 'sở, ban, ngành', 'cấp sở']],
  ['district', ['district', 'huyện', 'cấp huyện']],
  ['commune', ['commune', 'xã', 'cấp xã']],
]);

const BOOLEAN_BY_KEY = vocabulary<boolean>([
  [true, ['có', 'x', '1', 'true', 'yes', 'c', 'y']],
  [false, ['không', '0', 'false', 'no', 'k']],
]);

/** Aspects of unscored rows (the method's aspects 1 and 3, and the respondent block). */
type BlockAspect = 'perception' | 'expectation' | 'personal';
const BLOCK_ASPECT_BY_KEY = vocabulary<BlockAspect>([
  ['perception', ['perception', 'nhận định', 'nhận định, đánh giá', 'đánh giá']],
  ['expectation', ['expectation', 'mong đợi', 'nhu cầu, mong đợi', 'nhu cầu']],
  ['personal', ['personal', 'respondent', 'thông tin', 'thông tin cá nhân', 'thông tin người trả lời']],
]);

/** English words for the SIPAS scoring aspects (QĐ 1001 aspect 2, two parts). */
const SCORING_ASPECT_WORDS: ReadonlyArray<[string, readonly string[]]> = [
  ['CS', ['policy', 'chính sách', 'xây dựng, tổ chức thực hiện chính sách']],
  ['DV', ['service', 'dịch vụ', 'cung ứng dịch vụ hành chính công']],
];

// ---------------------------------------------------------------------------------------------------
// Small parsers

/** "S1.1", "s1-1", "S1 1" → "s1_1": lower case, no diacritics, separators → "_". */
export function normaliseQuestionId(value: string): string {
  return normaliseText(value)
    .toLowerCase()
    .replace(/đ/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\s.\-/]+/g, '_');
}

/** Section cell → section id: as `normaliseQuestionId`, other characters dropped; "Phần I" → "phan_i". */
function sectionId(value: string): string {
  const id = normaliseQuestionId(value)
    .replace(/[^a-z0-9_]/g, '')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return /^[0-9]/.test(id) ? `p_${id}` : id;
}

/** "1=Rất không hài lòng|2=…" (or one option per line): value=label, or a bare label numbered 1, 2, …. */
function parseOptions(raw: string): { options: Array<{ value: string; label: string }>; bad: string | null } {
  const pieces = raw
    .split(/\r\n|\n|\r|\|/)
    .map((p) => normaliseText(p))
    .filter((p) => p !== '');
  const options = pieces.map((p, i) => {
    const eq = p.indexOf('=');
    return eq === -1
      ? { value: String(i + 1), label: p }
      : { value: normaliseText(p.slice(0, eq)), label: normaliseText(p.slice(eq + 1)) };
  });
  const bad = options.find((o) => o.value === '' || o.value.length > 64 || o.label === '');
  return { options, bad: bad === undefined ? null : `${bad.value}=${bad.label}` };
}

function parseInteger(value: string): number | null {
  return /^\d+$/.test(value) ? Number(value) : null;
}

/** Decimal with "." or "," (Vietnamese decimal comma). */
function parseDecimal(value: string): number | null {
  const v = value.replace(',', '.');
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : null;
}

// ---------------------------------------------------------------------------------------------------
// Issues

class IssueList {
  readonly items: SheetIssue[] = [];
  /** `header`: the column's header as written in the file, named when it differs from `column`. */
  at(row: number, column: string, code: string, message: string, header?: string): void {
    const where = `dòng ${row}, cột ${column}`;
    const written = header !== undefined && foldKey(header) !== foldKey(column) ? ` ("${header}")` : '';
    this.items.push({ where, code, message: `${where}${written}: ${message}`, row, column });
  }
  add(where: string, code: string, message: string): void {
    this.items.push({ where, code, message: `${where}: ${message}` });
  }
}

// ---------------------------------------------------------------------------------------------------
// Header block

interface BlockMeta {
  values: QuestionnaireMetaInput;
  /** Where each key was written (for messages about a value that is wrong as a whole). */
  where: Partial<Record<MetaKey, string>>;
  elementWhere: Map<string, string>;
  aspectWhere: Map<string, string>;
  /** Keys given with a value that was refused (reported once, not again as missing). */
  invalid: Set<string>;
}

function emptyBlock(): BlockMeta {
  return { values: {}, where: {}, elementWhere: new Map(), aspectWhere: new Map(), invalid: new Set() };
}

function readBlock(rows: ReadonlyArray<readonly string[]>, firstRow: number, issues: IssueList): BlockMeta {
  const block = emptyBlock();
  rows.forEach((record, r) => {
    const row = firstRow + r;
    const key = META_BY_KEY.get(foldKey(record[0] ?? ''));
    if (key === undefined) return; // titles, notes and blank rows above the table are ignored
    const cell = (i: number) => normaliseText(unguardCell(record[i] ?? ''));
    const rawValue = unguardCell(record[1] ?? '');
    const value = cell(1);
    const where = `dòng ${row}, cột B`;
    const bad = (code: string, message: string) => {
      block.invalid.add(key);
      issues.add(where, code, message);
    };
    if (key === 'aspect') {
      if (!CODE_PATTERN.test(value) || cell(2) === '') {
        bad('INVALID_META', 'khía cạnh cần mã (cột B) và tên (cột C)');
        return;
      }
      block.values.aspects = [...(block.values.aspects ?? []), { code: value, name: cell(2) }];
      block.aspectWhere.set(value, `dòng ${row}`);
      return;
    }
    if (key === 'element') {
      if (!CODE_PATTERN.test(value) || cell(2) === '') {
        bad('INVALID_META', 'yếu tố cần mã (cột B), tên (cột C) và có thể có mã khía cạnh (cột D)');
        return;
      }
      const aspectCode = cell(3);
      block.values.elements = [
        ...(block.values.elements ?? []),
        { code: value, name: cell(2), ...(aspectCode === '' ? {} : { aspectCode }) },
      ];
      block.elementWhere.set(value, `dòng ${row}`);
      return;
    }
    if (value === '') return;
    block.where[key] = where;
    switch (key) {
      case 'id':
      case 'title':
      case 'methodRef':
      case 'respondents':
        block.values[key] = value;
        return;
      case 'year':
      case 'version': {
        const n = parseInteger(value);
        if (n === null) bad('INVALID_META', `"${value}" không phải số nguyên`);
        else block.values[key] = n;
        return;
      }
      case 'declaredMaxPoints': {
        const n = parseDecimal(value);
        if (n === null) bad('INVALID_META', `"${value}" không phải số`);
        else block.values.declaredMaxPoints = n;
        return;
      }
      case 'kind': {
        const kind = KIND_BY_KEY.get(foldKey(value));
        if (kind === undefined) bad('INVALID_META', `loại khảo sát "${value}" không hợp lệ (SIPAS hoặc PAR)`);
        else block.values.kind = kind;
        return;
      }
      case 'defaultProvenance': {
        const p = PROVENANCE_BY_KEY.get(foldKey(value));
        if (p === undefined) bad('UNKNOWN_PROVENANCE', `nguồn gốc "${value}" không hợp lệ`);
        else block.values.defaultProvenance = p;
        return;
      }
      case 'scaleLabels': {
        const { options, bad: badOption } = parseOptions(rawValue);
        const inOrder = options.every((o, i) => o.value === String(i + 1));
        if (badOption !== null || options.length !== 5 || !inOrder) {
          bad('INVALID_SCALE', 'thang đo cần đúng 5 mức "1=…|2=…|3=…|4=…|5=…"');
        } else block.values.scaleLabels = options.map((o) => o.label);
        return;
      }
      case 'targetLevels': {
        const levels = rawValue.split('|').map((l) => LEVEL_BY_KEY.get(foldKey(l)));
        if (levels.some((l) => l === undefined)) {
          bad(
            'INVALID_META',
            'cấp được đánh giá là department (sở), district (huyện), commune (xã), cách nhau bởi "|"',
          );
        } else block.values.targetLevels = levels as TargetLevel[];
        return;
      }
      case 'satisfiedLevels': {
        const levels = value.split(/[|,;\s]+/).map(parseInteger);
        if (levels.some((l) => l === null || l < 1 || l > 5)) {
          bad('INVALID_SCALE', 'mức hài lòng là các số từ 1 đến 5, vd. "4|5"');
        } else block.values.satisfiedLevels = levels as number[];
        return;
      }
    }
  });
  return block;
}

/** Caller's meta (validated) over the block's values; arrays replace, not merge; bad keys are reported. */
function mergeMeta(block: BlockMeta, meta: unknown, issues: IssueList): BlockMeta {
  if (meta === undefined) return block;
  const input = (typeof meta === 'object' && meta !== null ? meta : {}) as Record<string, unknown>;
  const invalid = new Set(block.invalid);
  let parsed = metaInputSchema.safeParse(input);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const keys = i.code === 'unrecognized_keys' ? i.keys : [String(i.path[0] ?? '')];
      for (const key of keys) {
        invalid.add(key);
        const message =
          i.code === 'unrecognized_keys'
            ? 'không có mục này trong thông tin mẫu phiếu'
            : `giá trị không hợp lệ (${i.message})`;
        issues.add(
          `thông tin mẫu phiếu, mục ${[key, ...i.path.slice(1)].join('.')}`,
          'INVALID_META',
          message,
        );
      }
    }
    parsed = metaInputSchema.safeParse(
      Object.fromEntries(Object.entries(input).filter(([k]) => !invalid.has(k))),
    );
  }
  const given = Object.fromEntries(
    Object.entries(parsed.success ? parsed.data : {}).filter(([, v]) => v !== undefined),
  );
  const where = { ...block.where };
  for (const k of Object.keys(given)) {
    where[k as MetaKey] = `thông tin mẫu phiếu, mục ${k}`;
    invalid.delete(k);
  }
  return {
    values: { ...block.values, ...given } as QuestionnaireMetaInput,
    where,
    elementWhere: given.elements === undefined ? block.elementWhere : new Map(),
    aspectWhere: given.aspects === undefined ? block.aspectWhere : new Map(),
    invalid,
  };
}

// ---------------------------------------------------------------------------------------------------
// Rows → template

interface RowSection {
  id: string;
  label: string;
  title: string;
  titleRow: number;
  description: string;
  personal: boolean;
  questions: Array<{ question: Question; row: number }>;
}

interface ElementInfo {
  element: TemplateElement;
  where: string;
  /** Aspect taken from the rows when the element was declared without one. */
  aspectFromRow: string | null;
  items: number;
}

function resolveAspect(value: string, aspects: readonly TemplateAspect[]): string | null {
  const key = foldKey(value);
  for (const a of aspects) {
    if (foldKey(a.code) === key || foldKey(a.name) === key) return a.code;
  }
  for (const [code, words] of SCORING_ASPECT_WORDS) {
    if (aspects.some((a) => a.code === code) && words.some((w) => foldKey(w) === key)) return code;
  }
  return null;
}

/** One question row: its cells by canonical column, and issues pointed at its cells. */
class RowCells {
  private readonly raw = new Map<QuestionnaireColumn, string>();
  private readonly headerOf = new Map<QuestionnaireColumn, string>();
  private readonly issuesBefore: number;
  readonly row: number;

  constructor(
    record: SheetRecord,
    private readonly issues: IssueList,
  ) {
    this.row = record.row;
    this.issuesBefore = issues.items.length;
    for (const [header, value] of Object.entries(record.cells)) {
      const col = COLUMN_BY_KEY.get(foldKey(header));
      if (col !== undefined && !this.raw.has(col)) {
        this.raw.set(col, unguardCell(cellText(value)));
        this.headerOf.set(col, normaliseText(header));
      }
    }
  }

  /** The cell, normalised (NFC, trimmed, inner whitespace collapsed). */
  get(c: QuestionnaireColumn): string {
    return normaliseText(this.raw.get(c) ?? '');
  }

  /** The cell as written (options keep their line breaks). */
  rawCell(c: QuestionnaireColumn): string {
    return this.raw.get(c) ?? '';
  }

  isBlank(): boolean {
    return QUESTIONNAIRE_COLUMNS.every((c) => this.get(c) === '');
  }

  at(c: QuestionnaireColumn, code: string, message: string): void {
    this.issues.at(this.row, c, code, message, this.headerOf.get(c));
  }

  hasIssues(): boolean {
    return this.issues.items.length > this.issuesBefore;
  }
}

/** Builds a template from the metadata and the question rows, collecting every issue. */
class QuestionnaireBuilder {
  private readonly aspects: TemplateAspect[];
  private readonly elements = new Map<string, ElementInfo>();
  private readonly sections: RowSection[] = [];
  private readonly sectionById = new Map<string, RowSection>();
  private readonly idRows = new Map<string, number>();
  private previous: RowSection | undefined;

  constructor(
    private readonly block: BlockMeta,
    private readonly issues: IssueList,
  ) {
    const meta = block.values;
    const requiredMeta: Array<[MetaKey, string]> = [
      ['id', 'mã mẫu phiếu'],
      ['title', 'tên mẫu phiếu'],
      ['year', 'năm'],
      ['kind', 'loại khảo sát (SIPAS/PAR)'],
      ['version', 'phiên bản'],
    ];
    for (const [k, label] of requiredMeta) {
      if (meta[k as keyof QuestionnaireMeta] === undefined && !block.invalid.has(k)) {
        const where = block.where[k] ?? `thông tin mẫu phiếu, mục ${k}`;
        issues.add(where, 'MISSING_META', `thiếu ${label} (dòng "${QUESTIONNAIRE_META_ALIASES[k][0]}")`);
      }
    }
    // Elements and aspects: declared, or — SIPAS only — the nine QĐ 1001 elements and their two aspects.
    const defaults = meta.kind === 'SIPAS' && meta.elements === undefined;
    this.aspects = meta.aspects ?? (meta.kind === 'SIPAS' ? structuredClone(SIPAS_2024.aspects ?? []) : []);
    const aspectCodes = new Set<string>();
    for (const a of this.aspects) {
      const where = block.aspectWhere.get(a.code) ?? `khía cạnh "${a.code}"`;
      if (aspectCodes.has(a.code)) issues.add(where, 'DUPLICATE_CODE', `mã khía cạnh "${a.code}" bị trùng`);
      aspectCodes.add(a.code);
    }
    for (const e of meta.elements ?? (defaults ? structuredClone(SIPAS_2024.elements) : [])) {
      const where =
        block.elementWhere.get(e.code) ?? `yếu tố "${e.code}"${defaults ? ' (mặc định QĐ 1001)' : ''}`;
      const key = e.code.toUpperCase();
      if (this.elements.has(key)) {
        issues.add(where, 'DUPLICATE_CODE', `mã yếu tố "${e.code}" bị trùng`);
        continue;
      }
      if (e.aspectCode !== undefined && !aspectCodes.has(e.aspectCode)) {
        issues.add(where, 'UNKNOWN_ASPECT', `khía cạnh "${e.aspectCode}" chưa được khai báo`);
      }
      this.elements.set(key, { element: { ...e }, where, aspectFromRow: null, items: 0 });
    }
  }

  /** Read one row; a row with any issue is reported and left out of the template. */
  readRow(cells: RowCells): void {
    if (cells.isBlank()) return;
    for (const c of REQUIRED_COLUMNS)
      if (cells.get(c) === '') cells.at(c, 'MISSING_VALUE', 'ô bắt buộc bị trống');
    const id = this.readId(cells);
    const type = this.readType(cells);
    const options = this.readOptions(cells, type);
    const required = readBoolean(cells, 'required') ?? false;
    const scoredCell = readBoolean(cells, 'scored');
    const maxLength = readLimit(
      cells,
      'max_length',
      type,
      'text',
      parseInteger,
      'chỉ câu hỏi tự luận mới có độ dài tối đa',
    );
    const maxSelections = readLimit(
      cells,
      'max_selections',
      type,
      'multi',
      parseInteger,
      'chỉ câu hỏi nhiều lựa chọn mới có số lựa chọn tối đa',
    );
    const maxPoints = readLimit(
      cells,
      'max_points',
      type,
      'single',
      parseDecimal,
      'chỉ câu hỏi một lựa chọn mới được gán điểm tối đa',
    );
    // The template scores scale items and items with points; `scored` is only a check of that.
    const scored = type === 'scale' || maxPoints !== undefined;
    if (type !== undefined && scoredCell !== undefined && scoredCell !== scored) {
      cells.at(
        'scored',
        'SCORED_MISMATCH',
        scored
          ? 'câu hỏi thang đo (hoặc có điểm tối đa) luôn được tính điểm'
          : 'chỉ câu hỏi thang đo (hoặc có điểm tối đa) mới được tính điểm',
      );
    }
    const { elementCode, personal } =
      type === undefined
        ? { elementCode: undefined, personal: false }
        : this.readElementAndAspect(cells, scored);
    const provenance = this.readProvenance(cells);
    const section = this.readSection(cells, personal);

    if (cells.hasIssues() || section === undefined || type === undefined || provenance === undefined) return;
    const question: Question = {
      id,
      type,
      text: cells.get('text'),
      required,
      ...(options === undefined ? {} : { options }),
      ...(elementCode === undefined ? {} : { elementCode }),
      ...(maxLength === undefined ? {} : { maxLength }),
      ...(maxSelections === undefined ? {} : { maxSelections }),
      ...(maxPoints === undefined ? {} : { maxPoints }),
      provenance,
      ...(cells.get('source') === '' ? {} : { source: cells.get('source') }),
    };
    section.questions.push({ question, row: cells.row });
  }

  private readId(cells: RowCells): string {
    const written = cells.get('id');
    const id = normaliseQuestionId(written);
    if (written === '') return id;
    if (!QUESTION_ID_PATTERN.test(id)) {
      cells.at('id', 'INVALID_ID', `mã câu hỏi "${written}" phải bắt đầu bằng chữ, chỉ gồm chữ, số và "_"`);
    } else if (this.idRows.has(id)) {
      cells.at('id', 'DUPLICATE_ID', `mã câu hỏi "${id}" trùng với dòng ${this.idRows.get(id)}`);
    } else this.idRows.set(id, cells.row);
    return id;
  }

  private readType(cells: RowCells): QuestionType | undefined {
    const written = cells.get('type');
    if (written === '') return undefined;
    const type = TYPE_BY_KEY.get(foldKey(written));
    if (type === undefined) {
      cells.at('type', 'UNKNOWN_TYPE', `loại câu hỏi "${written}" không hợp lệ (scale, single, multi, text)`);
    }
    return type;
  }

  private readOptions(cells: RowCells, type: QuestionType | undefined): Question['options'] {
    if (cells.get('options') === '') {
      if (type === 'single' || type === 'multi') {
        cells.at(
          'options',
          'MISSING_OPTIONS',
          'câu hỏi lựa chọn phải có danh sách phương án, vd. "1=Có|2=Không"',
        );
      }
      return undefined;
    }
    const parsed = parseOptions(cells.rawCell('options'));
    if (parsed.bad !== null) cells.at('options', 'INVALID_OPTIONS', `phương án "${parsed.bad}" không hợp lệ`);
    const seen = new Set<string>();
    for (const o of parsed.options) {
      if (seen.has(o.value)) cells.at('options', 'DUPLICATE_OPTION', `phương án "${o.value}" bị trùng`);
      seen.add(o.value);
    }
    if (type === 'scale' || type === 'text') {
      cells.at(
        'options',
        'UNEXPECTED_OPTIONS',
        type === 'scale'
          ? 'câu hỏi thang đo dùng nhãn thang đo chung, không ghi phương án'
          : 'câu hỏi tự luận không có phương án',
      );
    }
    return parsed.options;
  }

  /** Scored items: their element (and a check of its aspect); other questions: their block aspect. */
  private readElementAndAspect(
    cells: RowCells,
    scored: boolean,
  ): { elementCode: string | undefined; personal: boolean } {
    const elementCell = cells.get('element');
    const aspectCell = cells.get('aspect');
    if (!scored) {
      if (elementCell !== '') {
        cells.at('element', 'UNSCORED_WITH_ELEMENT', 'chỉ câu hỏi tính điểm mới thuộc một yếu tố');
      }
      if (aspectCell === '') return { elementCode: undefined, personal: false };
      const blockAspect = BLOCK_ASPECT_BY_KEY.get(foldKey(aspectCell));
      if (blockAspect === undefined) {
        cells.at(
          'aspect',
          resolveAspect(aspectCell, this.aspects) === null ? 'UNKNOWN_ASPECT' : 'ASPECT_MISMATCH',
          `câu hỏi không tính điểm thuộc khía cạnh perception (nhận định), expectation (mong đợi) hoặc personal (thông tin cá nhân), không phải "${aspectCell}"`,
        );
      }
      return { elementCode: undefined, personal: blockAspect === 'personal' };
    }
    if (elementCell === '') {
      cells.at('element', 'ITEM_WITHOUT_ELEMENT', 'câu hỏi tính điểm phải thuộc một yếu tố (vd. S1)');
      return { elementCode: undefined, personal: false };
    }
    const info = this.elements.get(elementCell.toUpperCase());
    if (info === undefined) {
      const known = [...this.elements.values()].map((e) => e.element.code);
      cells.at(
        'element',
        'UNKNOWN_ELEMENT',
        `yếu tố "${elementCell}" không có trong danh sách${known.length > 0 ? ` (${known.join(', ')})` : ' — khai báo ở phần đầu bảng (dòng "Yếu tố")'}`,
      );
      return { elementCode: undefined, personal: false };
    }
    info.items += 1;
    if (aspectCell !== '') {
      const aspect = resolveAspect(aspectCell, this.aspects);
      const expected = info.element.aspectCode ?? info.aspectFromRow ?? undefined;
      if (aspect === null) {
        cells.at(
          'aspect',
          BLOCK_ASPECT_BY_KEY.has(foldKey(aspectCell)) ? 'ASPECT_MISMATCH' : 'UNKNOWN_ASPECT',
          `câu hỏi tính điểm phải thuộc khía cạnh ${this.aspects.map((a) => a.code).join('/') || '(chưa khai báo)'}, không phải "${aspectCell}"`,
        );
      } else if (expected !== undefined && expected !== aspect) {
        cells.at(
          'aspect',
          'ASPECT_MISMATCH',
          `yếu tố "${info.element.code}" thuộc khía cạnh "${expected}", không phải "${aspect}"`,
        );
      } else if (expected === undefined) {
        info.aspectFromRow = aspect;
      }
    }
    return { elementCode: info.element.code, personal: false };
  }

  private readProvenance(cells: RowCells): Provenance | undefined {
    const written = cells.get('provenance');
    if (written === '') {
      const fallback = this.block.values.defaultProvenance;
      if (fallback === undefined) {
        cells.at('provenance', 'MISSING_VALUE', 'ghi official (chính thức) hoặc adapted (điều chỉnh)');
      }
      return fallback;
    }
    const provenance = PROVENANCE_BY_KEY.get(foldKey(written));
    if (provenance === undefined) {
      cells.at('provenance', 'UNKNOWN_PROVENANCE', `"${written}" không hợp lệ (official hoặc adapted)`);
    }
    return provenance;
  }

  /** The row's section; the rows of a section must be contiguous, its title written once or the same. */
  private readSection(cells: RowCells, personal: boolean): RowSection | undefined {
    const written = cells.get('section');
    if (written === '') return undefined;
    const sid = sectionId(written);
    if (!QUESTION_ID_PATTERN.test(sid)) {
      cells.at('section', 'INVALID_SECTION', `mã phần "${written}" không hợp lệ`);
      return undefined;
    }
    let section = this.sectionById.get(sid);
    if (section === undefined) {
      section = {
        id: sid,
        label: written,
        title: '',
        titleRow: cells.row,
        description: '',
        personal: false,
        questions: [],
      };
      this.sectionById.set(sid, section);
      this.sections.push(section);
    } else if (this.previous !== section) {
      cells.at(
        'section',
        'SECTION_NOT_CONTIGUOUS',
        `phần "${written}" đã kết thúc ở trên; các câu của một phần phải liền nhau`,
      );
    }
    const title = cells.get('section_title');
    if (title !== '') {
      if (section.title === '') {
        section.title = title;
        section.titleRow = cells.row;
      } else if (foldKey(section.title) !== foldKey(title)) {
        cells.at('section_title', 'SECTION_TITLE_CONFLICT', `khác tên phần ở dòng ${section.titleRow}`);
      }
    }
    if (section.description === '' && cells.get('section_description') !== '') {
      section.description = cells.get('section_description');
    }
    if (personal) section.personal = true;
    this.previous = section;
    return section;
  }

  /** Checks over the whole form, then the template (`null` when anything was reported). */
  result(): QuestionnaireTemplate | null {
    for (const s of this.sections) {
      if (!s.personal) continue;
      for (const { question, row } of s.questions) {
        if (question.elementCode !== undefined) {
          this.issues.at(
            row,
            'section',
            'SCORED_PERSONAL',
            'câu hỏi tính điểm không được nằm trong phần thông tin cá nhân',
          );
        }
      }
    }
    for (const info of this.elements.values()) {
      if (info.items === 0) {
        this.issues.add(info.where, 'EMPTY_ELEMENT', `yếu tố "${info.element.code}" không có câu hỏi nào`);
      }
      if (info.element.aspectCode === undefined && info.aspectFromRow !== null) {
        info.element.aspectCode = info.aspectFromRow;
      }
    }
    if (this.issues.items.length > 0) return null;

    const meta = this.block.values;
    const usedAspects = new Set([...this.elements.values()].map((e) => e.element.aspectCode));
    // Declared aspects are kept as declared; default ones only when an element uses them.
    const aspects = meta.aspects ?? this.aspects.filter((a) => usedAspects.has(a.code));
    return {
      id: meta.id!,
      kind: meta.kind!,
      year: meta.year!,
      version: meta.version!,
      title: meta.title!,
      ...(meta.methodRef === undefined ? {} : { methodRef: meta.methodRef }),
      ...(meta.respondents === undefined ? {} : { respondents: meta.respondents }),
      ...(meta.targetLevels === undefined ? {} : { targetLevels: meta.targetLevels }),
      ...(meta.declaredMaxPoints === undefined ? {} : { declaredMaxPoints: meta.declaredMaxPoints }),
      scale: {
        min: 1,
        max: 5,
        labels: meta.scaleLabels ?? [...SATISFACTION_LABELS_VI],
        satisfiedLevels: meta.satisfiedLevels ?? [4, 5],
      },
      ...(aspects.length > 0 ? { aspects } : {}),
      elements: [...this.elements.values()].map((e) => e.element),
      sections: this.sections.map(
        (s): Section => ({
          id: s.id,
          title: s.title === '' ? s.label : s.title,
          ...(s.description === '' ? {} : { description: s.description }),
          ...(s.personal ? { personal: true } : {}),
          questions: s.questions.map((q) => q.question),
        }),
      ),
    };
  }
}

function readBoolean(cells: RowCells, c: 'required' | 'scored'): boolean | undefined {
  const written = cells.get(c);
  if (written === '') return undefined;
  const b = BOOLEAN_BY_KEY.get(foldKey(written));
  if (b === undefined) cells.at(c, 'INVALID_BOOLEAN', `"${written}" không hợp lệ (có/không, x, 1/0)`);
  return b;
}

function readLimit(
  cells: RowCells,
  c: 'max_length' | 'max_selections' | 'max_points',
  type: QuestionType | undefined,
  allowed: QuestionType,
  parse: (v: string) => number | null,
  explain: string,
): number | undefined {
  const written = cells.get(c);
  if (written === '') return undefined;
  const n = parse(written);
  if (n === null || n <= 0) {
    cells.at(c, 'INVALID_NUMBER', `"${written}" không phải số dương`);
    return undefined;
  }
  if (type !== undefined && type !== allowed) cells.at(c, `UNEXPECTED_${c.toUpperCase()}`, explain);
  return n;
}

function buildTemplate(
  records: readonly SheetRecord[],
  block: BlockMeta,
  issues: IssueList,
): QuestionnaireTemplate | null {
  const builder = new QuestionnaireBuilder(block, issues);
  if (records.length === 0) {
    issues.add('bảng câu hỏi', 'NO_QUESTIONS', 'không có dòng câu hỏi nào');
    return null;
  }
  const columnsSeen = new Set(
    records.flatMap((r) => Object.keys(r.cells).map((h) => COLUMN_BY_KEY.get(foldKey(h)))),
  );
  const missingColumns = REQUIRED_COLUMNS.filter((c) => !columnsSeen.has(c));
  for (const c of missingColumns) {
    issues.add(
      'tiêu đề bảng',
      'MISSING_COLUMN',
      `thiếu cột "${c}" (hoặc "${QUESTIONNAIRE_COLUMN_ALIASES[c][1]}")`,
    );
  }
  if (missingColumns.length > 0) return null;
  for (const record of records) builder.readRow(new RowCells(record, issues));
  return builder.result();
}

/** Column of the row a template-level issue concerns, by code (the safety net below). */
const COLUMN_OF_CODE: Readonly<Record<string, QuestionnaireColumn>> = {
  DUPLICATE_QUESTION: 'id',
  MISSING_OPTIONS: 'options',
  UNEXPECTED_OPTIONS: 'options',
  DUPLICATE_OPTION: 'options',
  UNEXPECTED_MAX_LENGTH: 'max_length',
  UNEXPECTED_MAX_SELECTIONS: 'max_selections',
  UNEXPECTED_MAX_POINTS: 'max_points',
  SCORED_PERSONAL: 'section',
  ITEM_WITHOUT_ELEMENT: 'element',
  UNKNOWN_ELEMENT: 'element',
  UNSCORED_WITH_ELEMENT: 'element',
};

/** Validate with the template schema and structural checks; point question-level issues at their row. */
function validateBuilt(template: QuestionnaireTemplate, rowOf: Map<string, number>): QuestionnaireTemplate {
  try {
    return parseTemplate(template);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const issues = new IssueList();
    for (const i of error.issues) {
      const id = /câu hỏi "([^"]+)"/.exec(i.where)?.[1];
      const row = id === undefined ? undefined : rowOf.get(id);
      if (row === undefined) issues.items.push(i);
      else issues.at(row, COLUMN_OF_CODE[i.code] ?? 'id', i.code, i.message.replace(`${i.where}: `, ''));
    }
    throw new TemplateError(issues.items);
  }
}

function finish(records: readonly SheetRecord[], block: BlockMeta, issues: IssueList): QuestionnaireTemplate {
  const built = buildTemplate(records, block, issues);
  if (built === null || issues.items.length > 0) throw new TemplateError(issues.items);
  const rowOf = new Map<string, number>();
  for (const r of records) {
    const idHeader = Object.keys(r.cells).find((h) => COLUMN_BY_KEY.get(foldKey(h)) === 'id');
    if (idHeader !== undefined) rowOf.set(normaliseQuestionId(cellText(r.cells[idHeader])), r.row);
  }
  return validateBuilt(built, rowOf);
}

// ---------------------------------------------------------------------------------------------------
// Public entry points

/** A cell as text: `null`/`undefined` → "", numbers and booleans as written by `String`. */
function cellText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Largest sheet accepted: forms have a few hundred rows at most; this bounds the work of a bad upload. */
export const MAX_SHEET_ROWS = 2000;

/** Rows searched for the question table's header (the header block sits above it). */
const HEADER_SEARCH_ROWS = 60;

/**
 * A sheet as a grid of strings (row 0 = spreadsheet row `firstRow`, default 1): header block, then the
 * question table whose header row is the first one holding an "id" and a "text" column.
 */
export function importQuestionnaireGrid(
  sheet: ReadonlyArray<ReadonlyArray<unknown>>,
  meta?: QuestionnaireMetaInput,
  firstRow = 1,
): QuestionnaireTemplate {
  // XLSX readers give holes for empty cells and numbers for numeric ones: make every cell a string.
  const grid = Array.from(sheet, (r) => Array.from(r ?? [], cellText));
  const issues = new IssueList();
  if (grid.length > MAX_SHEET_ROWS) {
    issues.add('bảng câu hỏi', 'TOO_MANY_ROWS', `tệp có ${grid.length} dòng, tối đa ${MAX_SHEET_ROWS}`);
    throw new TemplateError(issues.items);
  }
  let headerAt = -1;
  for (let r = 0; r < Math.min(grid.length, HEADER_SEARCH_ROWS); r++) {
    const cols = new Set((grid[r] ?? []).map((c) => COLUMN_BY_KEY.get(foldKey(c))));
    if (cols.has('id') && cols.has('text')) {
      headerAt = r;
      break;
    }
  }
  if (headerAt === -1) {
    issues.add(
      'tiêu đề bảng',
      'MISSING_COLUMN',
      `không tìm thấy dòng tiêu đề có cột "id" (Mã câu hỏi) và "text" (Nội dung) trong ${HEADER_SEARCH_ROWS} dòng đầu`,
    );
    throw new TemplateError(issues.items);
  }
  const block = mergeMeta(readBlock(grid.slice(0, headerAt), firstRow, issues), meta, issues);
  const header = grid[headerAt] ?? [];
  // Cells keyed by the header as written; a second column with the same meaning is ignored.
  const taken = new Set<QuestionnaireColumn>();
  const columns: Array<{ index: number; header: string }> = [];
  header.forEach((h, index) => {
    const col = COLUMN_BY_KEY.get(foldKey(h));
    if (col !== undefined && !taken.has(col)) {
      taken.add(col);
      columns.push({ index, header: h });
    }
  });
  const records: SheetRecord[] = [];
  for (let r = headerAt + 1; r < grid.length; r++) {
    const line = grid[r] ?? [];
    if (line.every((c) => (c ?? '').trim() === '')) continue;
    records.push({
      row: firstRow + r,
      cells: Object.fromEntries(columns.map(({ index, header: h }) => [h, line[index] ?? ''])),
    });
  }
  return finish(records, block, issues);
}

/**
 * Import a questionnaire from CSV text (with its header block) or from keyed records (then all metadata
 * comes from `meta`). Throws `TemplateError` whose issues name the row and column of each problem.
 */
export function importQuestionnaire(
  source: string | readonly SheetRecord[],
  meta?: QuestionnaireMetaInput,
): QuestionnaireTemplate {
  if (typeof source === 'string') {
    let grid: string[][];
    try {
      grid = parseCsvRecords(source);
    } catch (error) {
      // csv.ts reports syntax errors as a catalogue problem; here they are a questionnaire problem.
      if (error instanceof IssuesError) throw new TemplateError(error.issues);
      throw error;
    }
    return importQuestionnaireGrid(grid, meta);
  }
  const issues = new IssueList();
  if (source.length > MAX_SHEET_ROWS) {
    issues.add('bảng câu hỏi', 'TOO_MANY_ROWS', `có ${source.length} dòng, tối đa ${MAX_SHEET_ROWS}`);
    throw new TemplateError(issues.items);
  }
  const block = mergeMeta(emptyBlock(), meta, issues);
  return finish(source, block, issues);
}

/**
 * Import a questionnaire given as JSON (text or parsed) in the template format; validated by the same
 * schema and structural checks as every template (`parseTemplate`). Throws `TemplateError`.
 */
export function importQuestionnaireJson(json: unknown): QuestionnaireTemplate {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json.replace(/^\uFEFF/, ''));
    } catch {
      throw new TemplateError([
        { where: 'tệp JSON', code: 'MALFORMED_JSON', message: 'tệp JSON: không đọc được (sai cú pháp JSON)' },
      ]);
    }
  }
  try {
    return parseTemplate(value);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    // Same codes as the spreadsheet path for the same mistakes, so a UI explains both alike.
    throw new TemplateError(
      error.issues.map((i) => {
        if (i.code === 'DUPLICATE_QUESTION') return { ...i, code: 'DUPLICATE_ID' };
        if (i.code === 'SCHEMA' && /^câu hỏi .* \(type\)$/.test(i.where))
          return { ...i, code: 'UNKNOWN_TYPE' };
        return i;
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Export: a stored version back to the layout (to download, correct and load as the next version)

const EXPORT_HEADERS: ReadonlyArray<[QuestionnaireColumn, string]> = [
  ['id', 'Mã câu hỏi'],
  ['section', 'Phần'],
  ['section_title', 'Tên phần'],
  ['section_description', 'Mô tả phần'],
  ['text', 'Nội dung'],
  ['type', 'Loại câu hỏi'],
  ['options', 'Phương án'],
  ['required', 'Bắt buộc'],
  ['element', 'Yếu tố'],
  ['aspect', 'Khía cạnh'],
  ['scored', 'Tính điểm'],
  ['provenance', 'Nguồn gốc'],
  ['max_length', 'Độ dài tối đa'],
  ['max_selections', 'Số lựa chọn tối đa'],
  ['max_points', 'Điểm tối đa'],
  ['source', 'Nguồn'],
];

/**
 * A template as a sheet in the layout (header block + question table), Vietnamese headers; the inverse
 * of `importQuestionnaireGrid` (`importQuestionnaireGrid(questionnaireToGrid(t))` equals `t`). Throws
 * `TemplateError` (`UNEXPORTABLE_OPTION`) for an option the layout cannot hold (a "|" in a label, a "=" in
 * a value).
 */
export function questionnaireToGrid(template: QuestionnaireTemplate): string[][] {
  const t = parseTemplate(template);
  const issues = new IssueList();
  const block: string[][] = [
    ['Mã mẫu phiếu', t.id],
    ['Tên mẫu phiếu', t.title],
    ['Năm', String(t.year)],
    ['Loại khảo sát', t.kind],
    ['Phiên bản', String(t.version)],
    ...(t.methodRef === undefined ? [] : [['Căn cứ', t.methodRef]]),
    ...(t.respondents === undefined ? [] : [['Đối tượng khảo sát', t.respondents]]),
    ...(t.targetLevels === undefined ? [] : [['Cấp được đánh giá', t.targetLevels.join('|')]]),
    ...(t.declaredMaxPoints === undefined ? [] : [['Tổng điểm tối đa', String(t.declaredMaxPoints)]]),
    ['Thang đo', t.scale.labels.map((l, i) => `${i + 1}=${l}`).join('|')],
    ['Mức hài lòng', t.scale.satisfiedLevels.join('|')],
    ...(t.aspects ?? []).map((a) => ['Khía cạnh', a.code, a.name]),
    ...t.elements.map((e) => [
      'Yếu tố',
      e.code,
      e.name,
      ...(e.aspectCode === undefined ? [] : [e.aspectCode]),
    ]),
  ];
  const aspectOf = new Map(t.elements.map((e) => [e.code, e.aspectCode]));
  const rows = t.sections.flatMap((s) =>
    s.questions.map((q, i) => {
      for (const o of q.options ?? []) {
        if (o.label.includes('|') || o.value.includes('=') || o.value.includes('|')) {
          issues.add(`câu hỏi "${q.id}"`, 'UNEXPORTABLE_OPTION', `phương án "${o.value}" chứa "|" hoặc "="`);
        }
      }
      const cells: Record<QuestionnaireColumn, string> = {
        id: q.id,
        section: s.id,
        section_title: i === 0 ? s.title : '',
        section_description: i === 0 ? (s.description ?? '') : '',
        text: q.text,
        type: q.type,
        options: (q.options ?? []).map((o) => `${o.value}=${o.label}`).join('|'),
        required: q.required ? 'có' : 'không',
        element: q.elementCode ?? '',
        aspect:
          q.elementCode !== undefined
            ? (aspectOf.get(q.elementCode) ?? '')
            : s.personal === true
              ? 'personal'
              : '',
        scored: q.elementCode !== undefined ? 'có' : '',
        provenance: q.provenance,
        max_length: q.maxLength === undefined ? '' : String(q.maxLength),
        max_selections: q.maxSelections === undefined ? '' : String(q.maxSelections),
        max_points: q.maxPoints === undefined ? '' : String(q.maxPoints),
        source: q.source ?? '',
      };
      return EXPORT_HEADERS.map(([c]) => cells[c]);
    }),
  );
  if (issues.items.length > 0) throw new TemplateError(issues.items);
  return [...block, [], EXPORT_HEADERS.map(([, h]) => h), ...rows];
}

/** `questionnaireToGrid` as CSV: UTF-8 with BOM (Excel opens it right), CRLF, formula-safe cells. */
export function questionnaireToCsv(
  template: QuestionnaireTemplate,
  options: { delimiter?: ',' | ';' | '\t'; bom?: boolean } = {},
): string {
  const delimiter = options.delimiter ?? ',';
  const lines = questionnaireToGrid(template).map((r) => r.map((c) => csvCell(c, delimiter)).join(delimiter));
  return `${options.bom === false ? '' : '\uFEFF'}${lines.join('\r\n')}\r\n`;
}
