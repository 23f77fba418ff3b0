import { keys } from '../../../shared/platform/crypto.ts';
import { NotFoundError, UnsupportedMediaTypeError } from '../../../shared/platform/errors.ts';
import { httpHandler, json, text } from '../../../shared/platform/http.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { errorReportCsv } from '../error-report.ts';
import { listRespondents } from '../list-respondents.ts';
import { importReportCsv, importReportXlsx } from '../report-export.ts';
import { rosterIntakeRoutes } from '../routes.ts';
import { startImport } from '../start-import.ts';
import { respondentStore } from '../store.ts';

const store = respondentStore();
const rounds = roundsReader();
// The bytes decide the format (readRoster sniffs XLSX's ZIP signature); the type only has to be one
// a spreadsheet or a CSV can honestly arrive with.
const ACCEPTED_TYPES =
  /^(text\/csv|text\/plain|application\/csv|application\/octet-stream|text\/tab-separated-values|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet|application\/vnd\.ms-excel)\b/i;

const importOf = async (roundId: string, importId: string) => {
  const record = await store.getImport(roundId, importId);
  if (!record) throw new NotFoundError('Không tìm thấy lần nhập danh sách này.', 'IMPORT_NOT_FOUND');
  return record;
};

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const pageLimit = (raw: string | undefined): number =>
  Math.min(Math.max(Number.parseInt(raw ?? '50', 10) || 50, 1), 100);

export const handler = httpHandler('roster-intake', rosterIntakeRoutes, {
  uploadRoster: async ({ params, headers, query, rawBody, principal }) => {
    if (!ACCEPTED_TYPES.test(headers['content-type'] ?? 'application/octet-stream')) {
      throw new UnsupportedMediaTypeError(
        'Hãy gửi tệp CSV hoặc Excel (.xlsx) (Content-Type: text/csv hoặc application/vnd.openxmlformats-officedocument.spreadsheetml.sheet).',
      );
    }
    const override = query.override ?? headers['x-roster-override'];
    const round = await loadRound(params.roundId, rounds);
    const result = await startImport(
      round,
      {
        bytes: rawBody,
        filename: (query.filename ?? 'roster.csv').slice(0, 200),
        ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}),
      },
      principal,
      { store, keys: await keys() },
      override !== undefined ? { overrideReason: override } : {},
    );
    return json(202, { importId: result.importId, duplicateUpload: !result.created });
  },
  getImportErrors: async ({ params }) => {
    const record = await importOf(params.roundId, params.importId);
    return text(200, 'text/csv; charset=utf-8', errorReportCsv(record.errors), {
      'content-disposition': `attachment; filename="${record.importId}-loi.csv"`,
    });
  },
  getImport: async ({ params }) => {
    const { fileHash: _f, ...visible } = await importOf(params.roundId, params.importId);
    // The body path reads the whole file before the first chunk is queued: rowsRead is final.
    const progress = {
      rowsRead: visible.dataRows,
      rowsWritten: visible.stored + visible.duplicates,
      totalRows: visible.valid,
    };
    return json(200, { ...visible, progress });
  },
  listRespondents: async ({ params, query, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const page = await listRespondents(
      round.id,
      principal,
      { limit: pageLimit(query.limit), ...(query.cursor ? { cursor: query.cursor } : {}) },
      { reader: store, keys: await keys() },
    );
    return json(200, page);
  },
  getImportReportCsv: async ({ params }) => {
    const record = await importOf(params.roundId, params.importId);
    return text(200, 'text/csv; charset=utf-8', importReportCsv(record), {
      'content-disposition': `attachment; filename="${record.importId}-bao-cao.csv"`,
    });
  },
  getImportReportXlsx: async ({ params }) => {
    const record = await importOf(params.roundId, params.importId);
    const book = await importReportXlsx(record);
    return {
      ...text(200, XLSX_TYPE, book.toString('base64'), {
        'content-disposition': `attachment; filename="${record.importId}-bao-cao.xlsx"`,
      }),
      isBase64Encoded: true,
    };
  },
});
