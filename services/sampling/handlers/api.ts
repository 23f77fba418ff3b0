import { visibleUnits } from '../../../shared/platform/auth.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { ConflictError, NotFoundError } from '../../../shared/platform/errors.ts';
import { httpHandler, json, route, text } from '../../../shared/platform/http.ts';
import { respondentStore } from '../../roster-intake/store.ts';
import { loadRound } from '../../rounds/load-round.ts';
import { exportList } from '../export-list.ts';
import { requestSample } from '../request-sample.ts';
import { sampleRequestSchema } from '../schemas.ts';
import { sampleStore } from '../store.ts';

const samples = sampleStore();
const respondents = respondentStore();

const LISTS: Record<string, 'official' | 'reserve'> = {
  'official.csv': 'official',
  'reserve.csv': 'reserve',
};

export const handler = httpHandler('sampling', {
  'POST /api/rounds/{roundId}/samples': route({
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    body: sampleRequestSchema,
    handle: async ({ params, body, principal }) => {
      const round = await loadRound(params.roundId ?? '');
      const result = await requestSample(round, body, principal!, {
        store: samples,
        importsInProgress: () => respondents.countImportsInProgress(round.id),
      });
      return json(202, { sampleId: result.sampleId, duplicateRequest: !result.created });
    },
  }),
  'GET /api/rounds/{roundId}/samples/{sampleId}': route({
    auth: 'ops',
    handle: async ({ params, principal }) => {
      const manifest = await samples.getManifest(params.roundId ?? '', params.sampleId ?? '');
      if (!manifest) throw new NotFoundError('Không tìm thấy mẫu khảo sát.', 'SAMPLE_NOT_FOUND');
      return json(
        200,
        manifest.strata ? { ...manifest, strata: visibleUnits(principal!, manifest.strata) } : manifest,
      );
    },
  }),
  'GET /api/rounds/{roundId}/samples/{sampleId}/{list}': route({
    auth: 'ops',
    roles: ['admin', 'operator'],
    handle: async ({ params, principal, baseUrl }) => {
      const list = LISTS[params.list ?? ''];
      if (!list) throw new NotFoundError('Chỉ có official.csv và reserve.csv.');
      const round = await loadRound(params.roundId ?? '');
      const manifest = await samples.getManifest(round.id, params.sampleId ?? '');
      if (!manifest) throw new NotFoundError('Không tìm thấy mẫu khảo sát.', 'SAMPLE_NOT_FOUND');
      if (manifest.status !== 'completed') {
        throw new ConflictError('SAMPLE_NOT_READY', 'Mẫu đang được chọn, hãy thử lại sau ít giây.');
      }
      const csv = await exportList(round, manifest.sampleId, list, {
        principal: principal!,
        baseUrl,
        keys: await keys(),
        samples,
        respondents,
      });
      return text(200, 'text/csv; charset=utf-8', csv, {
        'content-disposition': `attachment; filename="${round.id}-${manifest.sampleId}-${list}.csv"`,
      });
    },
  }),
});
