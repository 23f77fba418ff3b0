import { requireAllUnits } from '../../../shared/platform/auth.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { NotFoundError, UnsupportedMediaTypeError } from '../../../shared/platform/errors.ts';
import { httpHandler, json, parseJsonBody, text } from '../../../shared/platform/http.ts';
import { presignPut } from '../../../shared/platform/objects.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { assertBodyNotTranscoded } from '../body-encoding.ts';
import { errorReportCsv } from '../error-report.ts';
import { listRespondents, parseRespondentFilters } from '../list-respondents.ts';
import { importReportCsv, importReportXlsx, reportCounts } from '../report-export.ts';
import { requestUpload, uploadRequestSchema } from '../request-upload.ts';
import {
  DEFAULT_EXPORT_LINES,
  exportAudit,
  exportLines,
  MAX_EXPORT_LINES,
  respondentsCsv,
  respondentsXlsx,
} from '../respondents-export.ts';
import { rosterIntakeRoutes } from '../routes.ts';
import { replaceStaffPhones } from '../staff-phones.ts';
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

/** The import as the API shows it, with its progress (rows read / written / to write). */
const importView = (record: Awaited<ReturnType<typeof importOf>>) => {
  const { fileHash: _f, queuing, ...visible } = record;
  // Both paths read the whole file before the first chunk is queued: rowsRead is final.
  const progress = {
    rowsRead: visible.dataRows,
    rowsWritten: visible.stored + visible.duplicates,
    totalRows: visible.valid,
  };
  return { ...visible, ...(queuing ? { queuing } : {}), counts: reportCounts(visible), progress };
};

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const pageLimit = (raw: string | undefined): number =>
  Math.min(Math.max(Number.parseInt(raw ?? '50', 10) || 50, 1), 100);

const exportLimit = (raw: string | undefined): number =>
  Math.min(Math.max(Number.parseInt(raw ?? '', 10) || DEFAULT_EXPORT_LINES, 1), MAX_EXPORT_LINES);

type ExportArgs = {
  params: { roundId: string };
  query: Record<string, string | undefined>;
  principal: Parameters<typeof listRespondents>[1];
  rawPath?: string;
};

/** One part of the respondents export, audited; the next part's cursor in headers. */
const respondentsExport = async ({ params, query, principal }: ExportArgs, format: 'csv' | 'xlsx') => {
  const round = await loadRound(params.roundId, rounds);
  const filters = parseRespondentFilters(round, principal, query);
  const part = await exportLines(
    round.id,
    principal,
    filters,
    { limit: exportLimit(query.limit), cursor: query.cursor },
    { reader: store, keys: await keys() },
  );
  await store.putAudit(
    exportAudit(
      round.id,
      principal,
      format,
      filters,
      { lines: part.lines.length, part: query.cursor },
      new Date(),
    ),
  );
  const next: Record<string, string> = part.cursor
    ? {
        'x-next-cursor': part.cursor,
        link: `<${nextPartUrl(round.id, format, query, part.cursor)}>; rel="next"`,
      }
    : {};
  const filename = `danh-sach-${round.id}.${format}`;
  if (format === 'csv') {
    return text(200, 'text/csv; charset=utf-8', respondentsCsv(part.lines), {
      'content-disposition': `attachment; filename="${filename}"`,
      ...next,
    });
  }
  const book = await respondentsXlsx(part.lines);
  return {
    ...text(200, XLSX_TYPE, book.toString('base64'), {
      'content-disposition': `attachment; filename="${filename}"`,
      ...next,
    }),
    isBase64Encoded: true,
  };
};

const nextPartUrl = (
  roundId: string,
  format: string,
  query: Record<string, string | undefined>,
  cursor: string,
): string => {
  const q = new URLSearchParams();
  for (const k of ['unit', 'field', 'warning', 'limit'] as const) {
    const v = query[k];
    if (v) q.set(k, v);
  }
  q.set('cursor', cursor);
  return `/api/rounds/${encodeURIComponent(roundId)}/respondents.${format}?${q.toString()}`;
};

export const handler = httpHandler('roster-intake', rosterIntakeRoutes, {
  uploadRoster: async ({ params, headers, query, rawBody, principal }) => {
    const override = query.override ?? headers['x-roster-override'];
    const options = override !== undefined ? { overrideReason: override } : {};
    // JSON asks for a presigned PUT URL (large files); anything else is the file itself.
    if (/^application\/json\b/i.test(headers['content-type'] ?? '')) {
      const request = parseJsonBody(rawBody, headers, uploadRequestSchema);
      const round = await loadRound(params.roundId, rounds);
      const ticket = await requestUpload(
        round,
        request,
        principal,
        { store, presignPut: (key, seconds) => presignPut('uploads', key, seconds) },
        options,
      );
      return json(201, ticket);
    }
    if (!ACCEPTED_TYPES.test(headers['content-type'] ?? 'application/octet-stream')) {
      throw new UnsupportedMediaTypeError(
        'Hãy gửi tệp CSV hoặc Excel (.xlsx) (Content-Type: text/csv hoặc application/vnd.openxmlformats-officedocument.spreadsheetml.sheet).',
      );
    }
    assertBodyNotTranscoded(rawBody, headers['content-type']);
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
      options,
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
    // A presigned upload's id stands for the import its bytes resolve to (unknown until read).
    if (params.importId.startsWith('upl_')) {
      const upload = await store.getUpload(params.roundId, params.importId);
      if (!upload) throw new NotFoundError('Không tìm thấy lần tải lên này.', 'UPLOAD_NOT_FOUND');
      const { uploadId, status, filename, createdAt, expiresAt, duplicateUpload, failure } = upload;
      if (!upload.importId) {
        return json(200, {
          uploadId,
          status,
          filename,
          createdAt,
          expiresAt,
          progress: { rowsRead: upload.rowsRead ?? 0, rowsWritten: 0, totalRows: null },
        });
      }
      return json(200, {
        ...importView(await importOf(params.roundId, upload.importId)),
        uploadId,
        duplicateUpload: duplicateUpload ?? false,
        ...(failure ? { failure } : {}),
      });
    }
    return json(200, importView(await importOf(params.roundId, params.importId)));
  },
  listRespondents: async ({ params, query, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const filters = parseRespondentFilters(round, principal, query);
    const page = await listRespondents(
      round.id,
      principal,
      { limit: pageLimit(query.limit), ...(query.cursor ? { cursor: query.cursor } : {}) },
      { reader: store, keys: await keys() },
      filters,
    );
    return json(200, page);
  },
  listRespondentsCsv: (request) => respondentsExport(request, 'csv'),
  listRespondentsXlsx: (request) => respondentsExport(request, 'xlsx'),
  replaceStaffPhones: async ({ params, headers, rawBody, principal }) => {
    requireAllUnits(principal);
    const round = await loadRound(params.roundId, rounds);
    const result = await replaceStaffPhones(
      round.id,
      rawBody,
      headers['content-type'] ?? 'text/csv',
      principal.sub,
      { store, keys: await keys() },
    );
    return json(200, result);
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
