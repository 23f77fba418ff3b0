import { decryptPii, encryptPii, keys } from '../../../shared/platform/crypto.ts';
import { NotFoundError, ValidationError } from '../../../shared/platform/errors.ts';
import { type HttpResult, httpHandler, json, text } from '../../../shared/platform/http.ts';
import { newId } from '../../../shared/platform/ids.ts';
import { presignGet, putObject } from '../../../shared/platform/presign.ts';
import { resultsReader } from '../../../shared/tables/results.ts';
import { loadRound, loadRoundTemplate, roundsReader } from '../../../shared/tables/rounds.ts';
import { submissionsReader } from '../../../shared/tables/submissions.ts';
import { scoringExportRoutes } from '../export-routes.ts';
import { forEachMicrodataPage, microdataCells, microdataColumns, microdataRow } from '../microdata.ts';
import { type ExportLevel, LEVELS, resultTables } from '../results-export.ts';
import { scopeResults } from '../scope-results.ts';
import { type Cell, csvTable, csvTables, writeXlsx, XLSX_TYPE } from '../spreadsheet.ts';

const rounds = roundsReader();
const results = resultsReader();
const submissions = submissionsReader();

const CSV_TYPE = 'text/csv; charset=utf-8';
// Lambda answers at most 6 MB (an XLSX travels base64-encoded: 4/3 of its size). Larger files go to
// the uploads bucket and the caller is redirected to a short-lived presigned download.
const INLINE_LIMIT = { csv: 5 * 1024 * 1024, xlsx: 4 * 1024 * 1024 };

const deliver = async (
  roundId: string,
  filename: string,
  kind: 'csv' | 'xlsx',
  body: Buffer,
): Promise<HttpResult> => {
  const type = kind === 'csv' ? CSV_TYPE : XLSX_TYPE;
  if (body.length > INLINE_LIMIT[kind]) {
    const key = `exports/${roundId}/${newId('exp')}/${filename}`;
    await putObject('uploads', key, body, type);
    const url = await presignGet('uploads', key, 15 * 60, filename);
    return json(303, { location: url, bytes: body.length }, { location: url });
  }
  const disposition = { 'content-disposition': `attachment; filename="${filename}"` };
  return kind === 'csv'
    ? text(200, type, body.toString('utf8'), disposition)
    : { ...text(200, type, body.toString('base64'), disposition), isBase64Encoded: true };
};

const levelOf = (query: Readonly<Record<string, string>>): ExportLevel | null => {
  const level = query.level;
  if (level === undefined || level === '') return null;
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new ValidationError(
      `Tham số level phải là một trong: ${LEVELS.join(', ')}.`,
      undefined,
      'INVALID_PARAMETER',
    );
  }
  return level as ExportLevel;
};

const scopedTables = async (roundId: string, principal: Parameters<typeof scopeResults>[1]) => {
  const round = await loadRound(roundId, rounds);
  const latest = scopeResults(await results.getLatest(round.id), principal, round.settings.minCellSize);
  if (!latest) {
    throw new NotFoundError(
      'Đợt khảo sát chưa có kết quả tính điểm; hãy chạy tính điểm trước.',
      'NO_RESULTS',
    );
  }
  const names = new Map(round.units.map((u) => [u.code, u.name]));
  return { round, tables: resultTables(latest as Record<string, unknown>, names) };
};

// Cursors carry DynamoDB keys (token hashes): sealed with AES-GCM so a caller never sees one.
const sealCursor = async (value: { k: string; n: number }) =>
  encryptPii(await keys(), JSON.stringify(value)).replace(/^v1\./, '');
const openCursor = async (cursor: string | undefined): Promise<{ k?: string; n: number }> => {
  if (!cursor) return { n: 0 };
  try {
    const v = JSON.parse(decryptPii(await keys(), `v1.${cursor}`)) as { k?: unknown; n?: unknown };
    if (typeof v.k === 'string' && typeof v.n === 'number') return { k: v.k, n: v.n };
  } catch {
    // fall through
  }
  throw new ValidationError('Tham số cursor không hợp lệ.', undefined, 'INVALID_CURSOR');
};

export const handler = httpHandler('scoring', scoringExportRoutes, {
  getResultsCsv: async ({ params, principal, query }) => {
    const level = levelOf(query);
    const { round, tables } = await scopedTables(params.roundId, principal);
    const chosen = level ? tables.filter((t) => t.level === level) : tables;
    const csv = level && chosen[0] ? csvTable(chosen[0].header, chosen[0].rows) : csvTables(chosen);
    return deliver(
      round.id,
      `ket-qua-${round.id}${level ? `-${level}` : ''}.csv`,
      'csv',
      Buffer.from(csv, 'utf8'),
    );
  },
  getResultsXlsx: async ({ params, principal }) => {
    const { round, tables } = await scopedTables(params.roundId, principal);
    const book = await writeXlsx(async (addSheet) => {
      for (const t of tables) {
        const sheet = addSheet(t.title, t.header);
        for (const r of t.rows) sheet.addRow(r);
      }
    });
    return deliver(round.id, `ket-qua-${round.id}.xlsx`, 'xlsx', book);
  },
  getMicrodata: async ({ params, query }) => {
    const round = await loadRound(params.roundId, rounds);
    const template = await loadRoundTemplate(round, rounds);
    const limit = Math.min(Math.max(Number.parseInt(query.limit ?? '500', 10) || 500, 1), 1000);
    const from = await openCursor(query.cursor);
    const page = await submissions.pageByRound(round.id, { limit, ...(from.k ? { cursor: from.k } : {}) });
    const columns = microdataColumns(template);
    const ids = columns.filter((c) => c.type !== 'meta').map((c) => c.key);
    const items = page.items.map((s, i) => microdataRow(s, ids, from.n + i + 1));
    const next = page.cursor ? await sealCursor({ k: page.cursor, n: from.n + items.length }) : undefined;
    return json(200, {
      roundId: round.id,
      templateId: template.id,
      columns,
      items,
      ...(next ? { cursor: next } : {}),
    });
  },
  getMicrodataCsv: async ({ params }) => {
    const round = await loadRound(params.roundId, rounds);
    const template = await loadRoundTemplate(round, rounds);
    const columns = microdataColumns(template);
    const ids = columns.filter((c) => c.type !== 'meta').map((c) => c.key);
    const rows: Cell[][] = [];
    await forEachMicrodataPage(round.id, template, submissions, (page) => {
      for (const r of page) rows.push(microdataCells(r, ids));
    });
    const header = columns.map((c) => (c.type === 'meta' ? c.label : c.key));
    return deliver(
      round.id,
      `du-lieu-vi-mo-${round.id}.csv`,
      'csv',
      Buffer.from(csvTable(header, rows), 'utf8'),
    );
  },
  getMicrodataXlsx: async ({ params }) => {
    const round = await loadRound(params.roundId, rounds);
    const template = await loadRoundTemplate(round, rounds);
    const columns = microdataColumns(template);
    const ids = columns.filter((c) => c.type !== 'meta').map((c) => c.key);
    const book = await writeXlsx(async (addSheet) => {
      const sheet = addSheet(
        'Dữ liệu',
        columns.map((c) => (c.type === 'meta' ? c.label : c.key)),
      );
      await forEachMicrodataPage(round.id, template, submissions, (page) => {
        for (const r of page) sheet.addRow(microdataCells(r, ids));
      });
      const legend = addSheet('Câu hỏi', ['Mã câu hỏi', 'Nội dung', 'Loại']);
      for (const c of columns) if (c.type !== 'meta') legend.addRow([c.key, c.label, c.type]);
    });
    return deliver(round.id, `du-lieu-vi-mo-${round.id}.xlsx`, 'xlsx', book);
  },
});
