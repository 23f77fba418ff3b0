/**
 * Imported questionnaires: a file (CSV, XLSX or JSON) → the domain's import (errors name row and column)
 * → one immutable version in the rounds table. The version is the one the file declares; the same
 * content again returns that version (200), other content under a taken version is refused (409).
 */
import ExcelJS from 'exceljs';
import {
  importQuestionnaire,
  importQuestionnaireGrid,
  importQuestionnaireJson,
  type QuestionnaireMetaInput,
  type QuestionnaireTemplate,
  satisfactionItems,
} from '../../shared/domain/index.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { canonicalJson, sha256Hex } from '../../shared/platform/crypto.ts';
import { ConflictError, ValidationError } from '../../shared/platform/errors.ts';
import type { StoredQuestionnaire } from '../../shared/tables/rounds.ts';
import type { QuestionnaireStore } from './store.ts';

export type QuestionnaireFormat = 'csv' | 'xlsx' | 'json';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The file's format from its content type, else from its first bytes. */
export const formatOf = (contentType: string, bytes: Buffer): QuestionnaireFormat => {
  const type = contentType.toLowerCase();
  if (type.includes('spreadsheetml') || bytes.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
  if (type.includes('json')) return 'json';
  const head = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return head.startsWith('{') ? 'json' : 'csv';
};

/** The first worksheet as a grid of cell texts (formulas give their cached result). */
const readXlsxGrid = async (bytes: Buffer): Promise<string[][]> => {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new ValidationError('Không đọc được tệp XLSX.', undefined, 'INVALID_XLSX');
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw new ValidationError('Tệp XLSX không có trang tính nào.', undefined, 'INVALID_XLSX');
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cell.text ?? '';
    });
    grid[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
  });
  return Array.from(grid, (r) => r ?? []);
};

export const parseQuestionnaireFile = async (
  bytes: Buffer,
  format: QuestionnaireFormat,
  meta: QuestionnaireMetaInput,
): Promise<QuestionnaireTemplate> => {
  if (format === 'json') return importQuestionnaireJson(bytes.toString('utf8'));
  if (format === 'xlsx') return importQuestionnaireGrid(await readXlsxGrid(bytes), meta);
  return importQuestionnaire(bytes.toString('utf8'), meta);
};

export const importQuestionnaireVersion = async (
  file: { bytes: Buffer; contentType: string; meta: QuestionnaireMetaInput },
  ctx: { principal: Principal; store: QuestionnaireStore; now?: Date },
): Promise<{ created: boolean; questionnaire: StoredQuestionnaire }> => {
  if (file.bytes.length === 0) throw new ValidationError('Tệp mẫu phiếu rỗng.', undefined, 'EMPTY_FILE');
  const source = formatOf(file.contentType, file.bytes);
  const template = await parseQuestionnaireFile(file.bytes, source, file.meta);
  const contentHash = sha256Hex(canonicalJson(template));
  const item: StoredQuestionnaire = {
    id: template.id,
    version: template.version,
    contentHash,
    template,
    source,
    createdAt: (ctx.now ?? new Date()).toISOString(),
    createdBy: ctx.principal.sub,
  };
  const result = await ctx.store.putQuestionnaireIfAbsent(item);
  if (!result.created && result.questionnaire.contentHash !== contentHash) {
    throw new ConflictError(
      'QUESTIONNAIRE_VERSION_EXISTS',
      `Mẫu phiếu "${template.id}" phiên bản ${template.version} đã có với nội dung khác; hãy tăng số phiên bản.`,
    );
  }
  return result;
};

/** Metadata the caller may give as query parameters (the file's header block wins when both say it). */
export const metaFromQuery = (query: Record<string, string | undefined>): QuestionnaireMetaInput => {
  const meta: QuestionnaireMetaInput = {};
  if (query.id) meta.id = query.id;
  if (query.title) meta.title = query.title;
  if (query.year && /^\d{4}$/.test(query.year)) meta.year = Number(query.year);
  if (query.kind === 'SIPAS' || query.kind === 'PAR') meta.kind = query.kind;
  if (query.version && /^\d{1,6}$/.test(query.version)) meta.version = Number(query.version);
  return meta;
};

/** What listings show of a version (not the whole form). */
export const questionnaireSummary = (q: StoredQuestionnaire) => ({
  id: q.id,
  version: q.version,
  title: q.template.title,
  year: q.template.year,
  kind: q.template.kind,
  items: q.template.sections.reduce((n, s) => n + s.questions.length, 0),
  satisfactionItems: satisfactionItems(q.template).length,
  contentHash: q.contentHash,
  source: q.source,
  createdAt: q.createdAt,
});
