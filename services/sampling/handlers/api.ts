import { canAccessUnit, type Principal, visibleUnits } from '../../../shared/platform/auth.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../shared/platform/errors.ts';
import { httpHandler, json, text } from '../../../shared/platform/http.ts';
import { idFrom } from '../../../shared/platform/ids.ts';
import { respondentsReader } from '../../../shared/tables/respondents.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { assignmentStatus } from '../../../shared/tables/samples.ts';
import { requireListsVisible } from '../blind-lists.ts';
import { type ListEntry, listCsv, listEntries, listXlsx } from '../export-list.ts';
import { lettersPage } from '../letters.ts';
import { personKeysCsv, publishedManifestJson, publishSample } from '../publish-manifest.ts';
import { createRaterForms, listRaterFormEntries } from '../rater-forms.ts';
import { requestSample } from '../request-sample.ts';
import { samplingRoutes } from '../routes.ts';
import { sampleStore } from '../store.ts';
import { stratumHistory, substitute } from '../substitute.ts';
import { verifySample } from '../verify-sample.ts';

const samples = sampleStore();
const respondents = respondentsReader();
const rounds = roundsReader();

const LISTS: Readonly<Record<string, { list: 'official' | 'reserve'; format: 'csv' | 'xlsx' }>> = {
  'official.csv': { list: 'official', format: 'csv' },
  'reserve.csv': { list: 'reserve', format: 'csv' },
  'official.xlsx': { list: 'official', format: 'xlsx' },
  'reserve.xlsx': { list: 'reserve', format: 'xlsx' },
};
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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

/** Who downloaded which list (and how many rows) into the round's audit: never the rows themselves. */
const auditDownload = async (
  roundId: string,
  sampleId: string,
  what: string,
  principal: Principal,
  rows: number,
  filter: Record<string, string> = {},
) => {
  const at = new Date().toISOString();
  await samples.recordAudit({
    roundId,
    at,
    id: idFrom('dl', sampleId, what, principal.sub, at),
    by: principal.sub,
    service: 'sampling',
    action: 'LIST_DOWNLOADED',
    target: `${sampleId}/${what}`,
    details: { rows, units: principal.units === '*' ? '*' : principal.units, ...filter },
  });
};

/** A list endpoint's sample: the round's lists visible to the caller (blind lists), the draw done. */
const listSample = async (roundId: string, sampleId: string, principal: Principal) => {
  const round = await loadRound(roundId, rounds);
  requireListsVisible(round, principal, new Date());
  const manifest = await readyManifest(round.id, sampleId);
  return { round, manifest };
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
  verifySample: async ({ params }) => {
    const manifest = await readyManifest(params.roundId, params.sampleId);
    return json(200, await verifySample(manifest, { listAssignments: samples.listAssignments, respondents }));
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
  publishedManifest: async ({ params }) => {
    const manifest = await readyManifest(params.roundId, params.sampleId);
    const published = await publishSample(manifest, {
      listAssignments: samples.listAssignments,
      respondents,
    });
    return text(200, 'application/json; charset=utf-8', publishedManifestJson(published.manifest), {
      'content-disposition': `attachment; filename="${manifest.roundId}-${manifest.sampleId}-manifest.json"`,
    });
  },
  personKeys: async ({ params }) => {
    const manifest = await readyManifest(params.roundId, params.sampleId);
    const published = await publishSample(manifest, {
      listAssignments: samples.listAssignments,
      respondents,
    });
    return text(200, 'text/csv; charset=utf-8', personKeysCsv(published.rows), {
      'content-disposition': `attachment; filename="${manifest.roundId}-${manifest.sampleId}-person-keys.csv"`,
    });
  },
  letters: async ({ params, query, principal, baseUrl }) => {
    const unit = query.unit?.trim() || undefined;
    const field = query.field?.trim() || undefined;
    if (unit && !canAccessUnit(principal, unit)) {
      throw new ForbiddenError(`Bạn không phụ trách đơn vị "${unit}" nên không in được thư của đơn vị này.`);
    }
    const { round, manifest } = await listSample(params.roundId, params.sampleId, principal);
    const entries = await listEntries(
      round,
      manifest.sampleId,
      // A letter for every form that works now: officials not replaced, reserves called up.
      (a) =>
        (!unit || a.unitCode === unit) &&
        (!field || a.fieldCode === field) &&
        assignmentStatus(a) === 'active',
      { principal, baseUrl, keys: await keys(), samples, respondents },
    );
    await auditDownload(round.id, manifest.sampleId, 'letters', principal, entries.length, {
      ...(unit ? { unit } : {}),
      ...(field ? { field } : {}),
    });
    return lettersPage(entries, round, baseUrl);
  },
  createRaterForms: async ({ params, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const { manifest, created } = await createRaterForms(round, principal, {
      store: samples,
      respondents,
      keys: await keys(),
    });
    return json(created ? 201 : 200, { ...manifest, duplicateRequest: !created });
  },
  getRaterForms: async ({ params }) => {
    const manifest = await samples.getRaterForms(params.roundId, params.formsId);
    if (!manifest)
      throw new NotFoundError('Không tìm thấy bộ phiếu người đánh giá.', 'RATER_FORMS_NOT_FOUND');
    return json(200, manifest);
  },
  listRaterForms: async ({ params, principal, baseUrl }) => {
    const round = await loadRound(params.roundId, rounds);
    requireListsVisible(round, principal, new Date());
    const manifest = await samples.getRaterForms(round.id, params.formsId);
    if (!manifest)
      throw new NotFoundError('Không tìm thấy bộ phiếu người đánh giá.', 'RATER_FORMS_NOT_FOUND');
    const forms = await listRaterFormEntries(round, manifest.formsId, {
      principal,
      baseUrl,
      keys: await keys(),
      samples,
    });
    await auditDownload(round.id, manifest.formsId, 'forms', principal, forms.length);
    return json(200, { formsId: manifest.formsId, forms });
  },
  exportList: async ({ params, principal, baseUrl }) => {
    const wanted = LISTS[params.list];
    if (!wanted) {
      throw new NotFoundError('Chỉ có official.csv, reserve.csv, official.xlsx và reserve.xlsx.');
    }
    const { round, manifest } = await listSample(params.roundId, params.sampleId, principal);
    const entries: ListEntry[] = await listEntries(round, manifest.sampleId, (a) => a.list === wanted.list, {
      principal,
      baseUrl,
      keys: await keys(),
      samples,
      respondents,
    });
    await auditDownload(round.id, manifest.sampleId, params.list, principal, entries.length);
    const filename = `${round.id}-${manifest.sampleId}-${wanted.list}.${wanted.format}`;
    if (wanted.format === 'csv') {
      return text(200, 'text/csv; charset=utf-8', listCsv(entries), {
        'content-disposition': `attachment; filename="${filename}"`,
      });
    }
    const book = await listXlsx(entries, {
      title: `${round.name} – ${wanted.list === 'official' ? 'danh sách chính thức' : 'danh sách dự phòng'}`,
      at: manifest.completedAt ?? manifest.requestedAt,
    });
    return {
      ...text(200, XLSX_TYPE, book.toString('base64'), {
        'content-disposition': `attachment; filename="${filename}"`,
      }),
      isBase64Encoded: true,
    };
  },
});
