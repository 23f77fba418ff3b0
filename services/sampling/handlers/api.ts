import { visibleUnits } from '../../../shared/platform/auth.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { ConflictError, NotFoundError } from '../../../shared/platform/errors.ts';
import { httpHandler, json, text } from '../../../shared/platform/http.ts';
import { respondentsReader } from '../../../shared/tables/respondents.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { exportList } from '../export-list.ts';
import { requestSample } from '../request-sample.ts';
import { samplingRoutes } from '../routes.ts';
import { sampleStore } from '../store.ts';

const samples = sampleStore();
const respondents = respondentsReader();
const rounds = roundsReader();

const LISTS: Readonly<Record<string, 'official' | 'reserve'>> = {
  'official.csv': 'official',
  'reserve.csv': 'reserve',
};

const manifestOf = async (roundId: string, sampleId: string) => {
  const manifest = await samples.getManifest(roundId, sampleId);
  if (!manifest) throw new NotFoundError('Không tìm thấy mẫu khảo sát.', 'SAMPLE_NOT_FOUND');
  return manifest;
};

export const handler = httpHandler('sampling', samplingRoutes, {
  requestSample: async ({ params, body, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const result = await requestSample(round, body, principal, {
      store: samples,
      importsInProgress: () => respondents.countImportsInProgress(round.id),
    });
    return json(202, { sampleId: result.sampleId, duplicateRequest: !result.created });
  },
  getSample: async ({ params, principal }) => {
    const manifest = await manifestOf(params.roundId, params.sampleId);
    return json(
      200,
      manifest.strata ? { ...manifest, strata: visibleUnits(principal, manifest.strata) } : manifest,
    );
  },
  exportList: async ({ params, principal, baseUrl }) => {
    const list = LISTS[params.list];
    if (!list) throw new NotFoundError('Chỉ có official.csv và reserve.csv.');
    const round = await loadRound(params.roundId, rounds);
    const manifest = await manifestOf(round.id, params.sampleId);
    if (manifest.status !== 'completed') {
      throw new ConflictError('SAMPLE_NOT_READY', 'Mẫu đang được chọn, hãy thử lại sau ít giây.');
    }
    const csv = await exportList(round, manifest.sampleId, list, {
      principal,
      baseUrl,
      keys: await keys(),
      samples,
      respondents,
    });
    return text(200, 'text/csv; charset=utf-8', csv, {
      'content-disposition': `attachment; filename="${round.id}-${manifest.sampleId}-${list}.csv"`,
    });
  },
});
