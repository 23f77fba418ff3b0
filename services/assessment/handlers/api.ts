import { visibleUnits } from '../../../shared/platform/auth.ts';
import { NotFoundError } from '../../../shared/platform/errors.ts';
import { httpHandler, json } from '../../../shared/platform/http.ts';
import { objectSize, presignGet, presignPut } from '../../../shared/platform/presign.ts';
import { loadRoundCriteria } from '../../../shared/tables/assessments.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { criteriaSummary, importCriteria } from '../criteria.ts';
import { assessmentRoutes } from '../routes.ts';
import { attachCriteria } from '../setup.ts';
import { assessmentStore } from '../store.ts';
import {
  appraise,
  finalise,
  publishAppraisal,
  requestEvidenceUpload,
  respond,
  selfAssess,
  submitSelfAssessment,
  viewUnit,
  type WorkflowDeps,
} from '../workflow.ts';

const store = assessmentStore();
const rounds = roundsReader();
const evidenceSize = (key: string) => objectSize('uploads', key);
const deps = (principal: WorkflowDeps['principal']): WorkflowDeps => ({
  principal,
  store,
  rounds,
  evidenceSize,
});

export const handler = httpHandler('assessment', assessmentRoutes, {
  importCriteria: async ({ rawBody, headers, query, principal }) => {
    const { created, criteria } = await importCriteria(
      { bytes: rawBody, contentType: headers['content-type'] ?? '', query },
      { principal, store },
    );
    return json(created ? 201 : 200, { ...criteriaSummary(criteria), created });
  },
  listCriteria: async () => json(200, { items: (await store.listCriteria()).map(criteriaSummary) }),
  getCriteria: async ({ params }) => {
    const version = /^\d{1,6}$/.test(params.version) ? Number(params.version) : 0;
    const stored = version > 0 ? await store.getCriteria(params.id, version) : null;
    if (!stored) {
      throw new NotFoundError(
        `Không tìm thấy bộ tiêu chí "${params.id}" phiên bản ${params.version}.`,
        'CRITERIA_NOT_FOUND',
      );
    }
    return json(200, { ...criteriaSummary(stored), config: stored.config });
  },
  attachCriteria: async ({ params, body, principal }) => {
    const { changed, setup } = await attachCriteria(params.roundId, body, { principal, store, rounds });
    return json(200, { ...setup, changed });
  },
  getRoundCriteria: async ({ params }) => {
    const round = await loadRound(params.roundId, rounds);
    const loaded = await loadRoundCriteria(round.id, store);
    if (!loaded) {
      throw new NotFoundError('Đợt đánh giá chưa được gắn bộ tiêu chí Chỉ số CCHC.', 'NO_PAR_CRITERIA');
    }
    return json(200, { ...loaded.setup, config: loaded.config });
  },
  listAssessments: async ({ params, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const states = new Map((await store.listUnitStates(round.id)).map((s) => [s.unitCode, s]));
    const units = visibleUnits(
      principal,
      round.units.map((u) => ({ unitCode: u.code, unitName: u.name })),
    ).map((u) => ({
      ...u,
      status: states.get(u.unitCode)?.status ?? 'draft',
      state: states.get(u.unitCode) ?? null,
    }));
    return json(200, { roundId: round.id, units });
  },
  getAssessment: async ({ params, principal }) =>
    json(
      200,
      await viewUnit(params.roundId, params.unitCode, {
        ...deps(principal),
        fileUrl: (key) => presignGet('uploads', key, 15 * 60),
      }),
    ),
  selfAssess: async ({ params, body, principal }) => {
    const out = await selfAssess(
      params.roundId,
      params.unitCode,
      params.criterionCode,
      body,
      deps(principal),
    );
    return json(out.created ? 201 : 200, out);
  },
  requestEvidenceUpload: async ({ params, body, principal }) =>
    json(
      201,
      await requestEvidenceUpload(params.roundId, params.unitCode, body, {
        ...deps(principal),
        signPut: (key, type, seconds) => presignPut('uploads', key, type, seconds),
      }),
    ),
  submitSelfAssessment: async ({ params, principal }) =>
    json(200, await submitSelfAssessment(params.roundId, params.unitCode, deps(principal))),
  appraise: async ({ params, body, principal }) => {
    const out = await appraise(params.roundId, params.unitCode, params.criterionCode, body, deps(principal));
    return json(out.created ? 201 : 200, out);
  },
  publishAppraisal: async ({ params, principal }) =>
    json(200, await publishAppraisal(params.roundId, params.unitCode, deps(principal))),
  respond: async ({ params, body, principal }) => {
    const out = await respond(params.roundId, params.unitCode, body, deps(principal));
    return json(out.created ? 201 : 200, out);
  },
  finalise: async ({ params, principal }) =>
    json(200, await finalise(params.roundId, params.unitCode, deps(principal))),
  getAudit: async ({ params }) => {
    const round = await loadRound(params.roundId, rounds);
    return json(200, { roundId: round.id, entries: await store.readAudit(round.id) });
  },
});
