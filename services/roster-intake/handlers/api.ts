import { keys } from '../../../shared/platform/crypto.ts';
import { NotFoundError, UnsupportedMediaTypeError } from '../../../shared/platform/errors.ts';
import { httpHandler, json, route, text } from '../../../shared/platform/http.ts';
import { loadRound } from '../../rounds/load-round.ts';
import { errorReportCsv } from '../error-report.ts';
import { startImport } from '../start-import.ts';
import { respondentStore } from '../store.ts';

const store = respondentStore();
const ACCEPTED_TYPES =
  /^(text\/csv|text\/plain|application\/csv|application\/octet-stream|text\/tab-separated-values)\b/i;

export const handler = httpHandler('roster-intake', {
  'POST /api/rounds/{roundId}/rosters': route({
    auth: 'ops',
    roles: ['admin', 'operator'],
    // Lambda's synchronous payload limit is 6 MB; larger files take the presigned-upload path.
    maxBodyBytes: 5 * 1024 * 1024,
    handle: async ({ params, headers, query, rawBody, principal }) => {
      if (!ACCEPTED_TYPES.test(headers['content-type'] ?? 'application/octet-stream')) {
        throw new UnsupportedMediaTypeError('Hãy gửi tệp CSV (Content-Type: text/csv).');
      }
      const round = await loadRound(params.roundId ?? '');
      const result = await startImport(
        round,
        { bytes: rawBody, filename: (query.filename ?? 'roster.csv').slice(0, 200) },
        principal!,
        { store, keys: await keys() },
      );
      return json(202, { importId: result.importId, duplicateUpload: !result.created });
    },
  }),
  'GET /api/rounds/{roundId}/rosters/{importId}/errors.csv': route({
    auth: 'ops',
    handle: async ({ params }) => {
      const record = await store.getImport(params.roundId ?? '', params.importId ?? '');
      if (!record) throw new NotFoundError('Không tìm thấy lần nhập danh sách này.', 'IMPORT_NOT_FOUND');
      return text(200, 'text/csv; charset=utf-8', errorReportCsv(record.errors), {
        'content-disposition': `attachment; filename="${record.importId}-loi.csv"`,
      });
    },
  }),
  'GET /api/rounds/{roundId}/rosters/{importId}': route({
    auth: 'ops',
    handle: async ({ params }) => {
      const record = await store.getImport(params.roundId ?? '', params.importId ?? '');
      if (!record) throw new NotFoundError('Không tìm thấy lần nhập danh sách này.', 'IMPORT_NOT_FOUND');
      const { fileHash: _f, ...visible } = record;
      return json(200, visible);
    },
  }),
});
