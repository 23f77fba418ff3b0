import { readRoundAudit } from '../../../shared/contracts/audit.ts';
import { catalogueToCsv, questionnaireToCsv } from '../../../shared/domain/index.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { httpHandler, json, text } from '../../../shared/platform/http.ts';
import { TABLE_NAMES } from '../../../shared/platform/resources.ts';
import { respondentsReader } from '../../../shared/tables/respondents.ts';
import {
  CatalogueNotFoundError,
  loadRound,
  loadRoundTemplate,
  QuestionnaireNotFoundError,
  type StoredCatalogue,
} from '../../../shared/tables/rounds.ts';
import { samplesReader } from '../../../shared/tables/samples.ts';
import { submissionsReader } from '../../../shared/tables/submissions.ts';
import {
  catalogueSuccession,
  catalogueSummary,
  catalogueUnits,
  importCatalogueVersion,
} from '../catalogues.ts';
import { createRound, publicRound } from '../create-round.ts';
import { fixSeed, transitionRound, updateSchedule } from '../lifecycle.ts';
import { reminderNotifier } from '../notifier.ts';
import { importQuestionnaireVersion, metaFromQuery, questionnaireSummary } from '../questionnaires.ts';
import { listNonResponders, nonRespondersCsv, runReminders } from '../reminders.ts';
import { auditPage } from '../round-audit.ts';
import { roundsRoutes } from '../routes.ts';
import { catalogueStore, questionnaireStore, reminderStore, roundStore } from '../store.ts';

const store = roundStore();
const questionnaires = questionnaireStore();
const catalogues = catalogueStore();
const reminders = reminderStore();
const samples = samplesReader();
const submissions = submissionsReader();
const respondents = respondentsReader();

/** `{version}` or `{version}.csv` → the number (0 when it is not one) and whether CSV is asked. */
const versionParam = (raw: string): { version: number; asCsv: boolean } => {
  const asCsv = raw.endsWith('.csv');
  const digits = asCsv ? raw.slice(0, -4) : raw;
  return { version: /^\d{1,6}$/.test(digits) ? Number(digits) : 0, asCsv };
};

const loadCatalogue = async (id: string, version: number): Promise<StoredCatalogue> => {
  const stored = version > 0 ? await catalogues.getCatalogue(id, version) : null;
  if (!stored) throw new CatalogueNotFoundError(id, version);
  return stored;
};

export const handler = httpHandler('rounds', roundsRoutes, {
  createRound: async ({ body, principal, headers }) => {
    const { created, round } = await createRound(body, {
      principal,
      idempotencyKey: headers['idempotency-key'],
      store,
      questionnaires,
      catalogues,
    });
    return json(created ? 201 : 200, { roundId: round.id, round: publicRound(round) });
  },
  listRounds: async ({ query }) => {
    const limit = Math.min(Math.max(Number.parseInt(query.limit ?? '50', 10) || 50, 1), 200);
    const rounds = await store.list(limit);
    return json(200, {
      items: rounds.map((r) => ({
        id: r.id,
        name: r.name,
        year: r.year,
        kind: r.kind,
        status: r.status,
        createdAt: r.createdAt,
      })),
    });
  },
  getRound: async ({ params }) => json(200, publicRound(await loadRound(params.roundId, store))),
  getRoundQuestionnaire: async ({ params }) =>
    json(200, await loadRoundTemplate(await loadRound(params.roundId, store), store)),
  transitionRound: async ({ params, body, principal }) => {
    const round = await transitionRound(params.roundId, body, { principal, store, samples });
    return json(200, { roundId: round.id, status: round.status, lastTransition: round.lastTransition });
  },
  updateSchedule: async ({ params, body, principal }) => {
    const { reason, ...patch } = body;
    const round = await updateSchedule(params.roundId, patch, { principal, store, samples, reason });
    return json(200, { roundId: round.id, schedule: round.schedule });
  },
  fixSeed: async ({ params, body, principal }) => {
    const { created, round } = await fixSeed(params.roundId, body, { principal, store, samples });
    return json(created ? 201 : 200, { roundId: round.id, seed: round.seed, created });
  },
  getAudit: async ({ params, query }) => {
    await loadRound(params.roundId, store);
    const entries = await readRoundAudit(TABLE_NAMES, params.roundId);
    return json(200, auditPage(entries, query));
  },
  listNonResponders: async ({ params, query, principal }) => {
    const round = await loadRound(params.roundId, store);
    const list = await listNonResponders(
      round,
      { unit: query.unit },
      { principal, keys, samples, submissions, respondents, reminders },
    );
    return json(200, { roundId: round.id, total: list.items.length, ...list });
  },
  exportNonResponders: async ({ params, query, principal }) => {
    const round = await loadRound(params.roundId, store);
    const list = await listNonResponders(
      round,
      { unit: query.unit },
      { principal, keys, samples, submissions, respondents, reminders },
    );
    return text(200, 'text/csv; charset=utf-8', nonRespondersCsv(list.items), {
      'content-disposition': `attachment; filename="${round.id}-chua-tra-loi.csv"`,
    });
  },
  runReminders: async ({ params, principal, baseUrl }) => {
    const round = await loadRound(params.roundId, store);
    const result = await runReminders(round, {
      samples,
      submissions,
      respondents,
      reminders,
      keys,
      notifier: reminderNotifier(),
      baseUrl,
      by: principal.sub,
    });
    return json(200, result);
  },
  listReminders: async ({ params, query }) => {
    await loadRound(params.roundId, store);
    const items = await reminders.listReminders(params.roundId, query.day);
    const byDay: Record<string, Record<string, number>> = {};
    for (const r of items) {
      const day = byDay[r.runDay] ?? {};
      day[r.status] = (day[r.status] ?? 0) + 1;
      byDay[r.runDay] = day;
    }
    return json(200, {
      roundId: params.roundId,
      byDay,
      items: items.map(({ tokenHash: _t, ...r }) => r),
    });
  },
  importQuestionnaire: async ({ rawBody, headers, query, principal }) => {
    const { created, questionnaire } = await importQuestionnaireVersion(
      { bytes: rawBody, contentType: headers['content-type'] ?? '', meta: metaFromQuery(query) },
      { principal, store: questionnaires },
    );
    return json(created ? 201 : 200, { ...questionnaireSummary(questionnaire), created });
  },
  listQuestionnaires: async () => {
    const items = await questionnaires.listQuestionnaires();
    return json(200, { items: items.map(questionnaireSummary) });
  },
  getQuestionnaire: async ({ params }) => {
    // `/api/questionnaires/{id}/{version}.csv` exports the version in the import layout.
    const { version, asCsv } = versionParam(params.version);
    const stored = version > 0 ? await questionnaires.getQuestionnaire(params.id, version) : null;
    if (!stored) throw new QuestionnaireNotFoundError(params.id, version);
    if (asCsv) {
      return text(200, 'text/csv; charset=utf-8', questionnaireToCsv(stored.template), {
        'content-disposition': `attachment; filename="${stored.id}-v${stored.version}.csv"`,
      });
    }
    return json(200, { ...questionnaireSummary(stored), template: stored.template });
  },
  importCatalogue: async ({ rawBody, headers, query, principal }) => {
    const { created, catalogue } = await importCatalogueVersion(
      { bytes: rawBody, contentType: headers['content-type'] ?? '', id: query.id, name: query.name },
      { principal, store: catalogues },
    );
    return json(created ? 201 : 200, { ...catalogueSummary(catalogue), created });
  },
  listCatalogues: async () => {
    const items = await catalogues.listCatalogues();
    return json(200, { items: items.map(catalogueSummary) });
  },
  getCatalogue: async ({ params }) => {
    // `/api/catalogues/{id}/{version}.csv` exports the units in the import layout.
    const { version, asCsv } = versionParam(params.version);
    const stored = await loadCatalogue(params.id, version);
    if (asCsv) {
      return text(200, 'text/csv; charset=utf-8', catalogueToCsv(catalogueUnits(stored)), {
        'content-disposition': `attachment; filename="${stored.id}-v${stored.version}.csv"`,
      });
    }
    return json(200, { ...catalogueSummary(stored), units: stored.units, fields: stored.fields });
  },
  getCatalogueSuccession: async ({ params, query }) => {
    const stored = await loadCatalogue(params.id, versionParam(params.version).version);
    return json(200, catalogueSuccession(stored, { from: query.from, to: query.to }));
  },
});
