import { questionnaireToCsv } from '../../../shared/domain/index.ts';
import { httpHandler, json, text } from '../../../shared/platform/http.ts';
import { loadRound, loadRoundTemplate, QuestionnaireNotFoundError } from '../../../shared/tables/rounds.ts';
import { createRound, publicRound } from '../create-round.ts';
import { importQuestionnaireVersion, metaFromQuery, questionnaireSummary } from '../questionnaires.ts';
import { roundsRoutes } from '../routes.ts';
import { questionnaireStore, roundStore } from '../store.ts';

const store = roundStore();
const questionnaires = questionnaireStore();

export const handler = httpHandler('rounds', roundsRoutes, {
  createRound: async ({ body, principal, headers }) => {
    const { created, round } = await createRound(body, {
      principal,
      idempotencyKey: headers['idempotency-key'],
      store,
      questionnaires,
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
    const asCsv = params.version.endsWith('.csv');
    const raw = asCsv ? params.version.slice(0, -4) : params.version;
    const version = /^\d{1,6}$/.test(raw) ? Number(raw) : 0;
    const stored = version > 0 ? await questionnaires.getQuestionnaire(params.id, version) : null;
    if (!stored) throw new QuestionnaireNotFoundError(params.id, version);
    if (asCsv) {
      return text(200, 'text/csv; charset=utf-8', questionnaireToCsv(stored.template), {
        'content-disposition': `attachment; filename="${stored.id}-v${stored.version}.csv"`,
      });
    }
    return json(200, { ...questionnaireSummary(stored), template: stored.template });
  },
});
