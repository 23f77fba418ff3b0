/**
 * Anonymised microdata of a round (issue 11 §5, docs/results.md): one row per stored form, one column
 * per question of the round's questionnaire (`loadRoundTemplate`, template order), plus channel, unit,
 * field and submitted-at. Never the token, its hash, the receipt, the sample assignment or any person
 * key: the row number is the form's position in the export (stable order: unit, field, then a
 * pseudorandom key), not an identifier. Free text is given exactly as stored (JSON); spreadsheets
 * neutralise formulas (spreadsheet.ts). Paged: a page of the submissions reader at a time.
 */
import { allQuestions, type QuestionnaireTemplate } from '../../shared/domain/index.ts';
import type { StoredSubmission, SubmissionsReader } from '../../shared/tables/submissions.ts';
import type { Cell } from './spreadsheet.ts';

export interface MicrodataColumn {
  key: string;
  label: string;
  /** Question type for answer columns; `meta` for the fixed columns. */
  type: string;
}

const FIXED: MicrodataColumn[] = [
  { key: 'row', label: 'STT', type: 'meta' },
  { key: 'channel', label: 'Kênh', type: 'meta' },
  { key: 'unitCode', label: 'Mã đơn vị', type: 'meta' },
  { key: 'fieldCode', label: 'Mã lĩnh vực', type: 'meta' },
  { key: 'submittedAt', label: 'Thời điểm nộp', type: 'meta' },
];

export const microdataColumns = (template: QuestionnaireTemplate): MicrodataColumn[] => [
  ...FIXED,
  ...allQuestions(template).map((q) => ({ key: q.id, label: q.text, type: q.type })),
];

export interface MicrodataRow {
  row: number;
  channel: StoredSubmission['channel'];
  unitCode: string;
  fieldCode: string;
  submittedAt: string;
  /** Every question of the template: its stored answer, or null when not answered. */
  answers: Record<string, unknown>;
}

export const microdataRow = (
  s: StoredSubmission,
  questionIds: readonly string[],
  row: number,
): MicrodataRow => ({
  row,
  channel: s.channel,
  unitCode: s.unitCode,
  fieldCode: s.fieldCode,
  submittedAt: s.submittedAt,
  answers: Object.fromEntries(
    questionIds.map((id) => [id, Object.hasOwn(s.answers, id) ? (s.answers[id] ?? null) : null]),
  ),
});

/** A stored answer as one spreadsheet cell: choices of a multi-choice question joined by `;`. */
const answerCell = (v: unknown): Cell => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'có' : 'không';
  if (Array.isArray(v)) return v.map(String).join(';');
  return JSON.stringify(v);
};

export const microdataCells = (r: MicrodataRow, questionIds: readonly string[]): Cell[] => [
  r.row,
  r.channel === 'web' ? 'web' : 'giấy',
  r.unitCode,
  r.fieldCode,
  r.submittedAt,
  ...questionIds.map((id) => answerCell(r.answers[id])),
];

/** Every form of the round, a page of the reader at a time (`onRows` sees each page once). */
export const forEachMicrodataPage = async (
  roundId: string,
  template: QuestionnaireTemplate,
  reader: Pick<SubmissionsReader, 'pageByRound'>,
  onRows: (rows: MicrodataRow[]) => void | Promise<void>,
): Promise<number> => {
  const ids = allQuestions(template).map((q) => q.id);
  let cursor: string | undefined;
  let n = 0;
  do {
    const page = await reader.pageByRound(roundId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    await onRows(page.items.map((s, i) => microdataRow(s, ids, n + i + 1)));
    n += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  return n;
};
