import { visibleUnits } from '../../../shared/platform/auth.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { ConflictError, NotFoundError } from '../../../shared/platform/errors.ts';
import { httpHandler, json, text } from '../../../shared/platform/http.ts';
import { idFrom } from '../../../shared/platform/ids.ts';
import { respondentsReader } from '../../../shared/tables/respondents.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { requireListsVisible } from '../blind-lists.ts';
import { exportList } from '../export-list.ts';
import { requestSample } from '../request-sample.ts';
import { samplingRoutes } from '../routes.ts';
import { sampleStore } from '../store.ts';
import { stratumHistory, substitute } from '../substitute.ts';
import { verifySample } from '../verify-sample.ts';

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

const readyManifest = async (roundId: string, sampleId: string) => {
  const manifest = await manifestOf(roundId, sampleId);
  if (manifest.status !== 'completed') {
    throw new ConflictError('SAMPLE_NOT_READY', 'Mẫu đang được chọn, hãy thử lại sau ít giây.');
  }
  return manifest;
};

export const handler = httpHandler('sampling', samplingRoutes, {
  requestSample: async ({ params, body, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const result = await requestSample(round, body, principal, {
      store: samples,
      importsInProgress: () => respondents.countImportsInProgress(round.id),
      rosterVersions: () => respondents.unitVersions(round.id),
    });
    return json(202, { sampleId: result.sampleId, duplicateRequest: !result.created });
  },
  getSample: async ({ params, principal }) => {
    const manifest = await manifestOf(params.roundId, params.sampleId);
    // The fan-out's progress: parts planned, and how many finished each step.
    const progress = await samples.getProgress(manifest.sampleId);
    return json(200, {
      ...manifest,
      ...(manifest.strata ? { strata: visibleUnits(principal, manifest.strata) } : {}),
      ...(progress ? { progress: { parts: progress.parts, done: progress.done } } : {}),
    });
  },
  verifySample: async ({ params }) => {
    const manifest = await readyManifest(params.roundId, params.sampleId);
    return json(
      200,
      await verifySample(manifest, {
        listAssignments: samples.listAssignments,
        getProgress: samples.getProgress,
        respondents,
      }),
    );
  },
  substitute: async ({ params, body, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    requireListsVisible(round, principal, new Date());
    const manifest = await manifestOf(round.id, params.sampleId);
    const { replaced, activated } = await substitute(manifest, body, principal, { store: samples });
    return json(200, {
      replaced: { list: replaced.list, rank: replaced.rank, status: replaced.status },
      activated: { list: activated.list, rank: activated.rank, status: activated.status },
    });
  },
  stratumHistory: async ({ params, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    requireListsVisible(round, principal, new Date());
    const manifest = await manifestOf(round.id, params.sampleId);
    return json(
      200,
      await stratumHistory(manifest, params.unitCode, params.fieldCode, principal, { store: samples }),
    );
  },
  exportList: async ({ params, principal, baseUrl }) => {
    const list = LISTS[params.list];
    if (!list) throw new NotFoundError('Chỉ có official.csv và reserve.csv.');
    const round = await loadRound(params.roundId, rounds);
    requireListsVisible(round, principal, new Date());
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
    const at = new Date().toISOString();
    // Who downloaded which list and how many rows: never the rows themselves.
    await samples.recordAudit({
      roundId: round.id,
      at,
      id: idFrom('dl', manifest.sampleId, list, principal.sub, at),
      by: principal.sub,
      service: 'sampling',
      action: 'LIST_DOWNLOADED',
      target: `${manifest.sampleId}/${params.list}`,
      details: {
        rows: Math.max(csv.trim().split('\r\n').length - 1, 0),
        units: principal.units === '*' ? '*' : principal.units,
      },
    });
    return text(200, 'text/csv; charset=utf-8', csv, {
      'content-disposition': `attachment; filename="${round.id}-${manifest.sampleId}-${list}.csv"`,
    });
  },
});
