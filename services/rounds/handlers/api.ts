import { httpHandler, json } from '../../../shared/platform/http.ts';
import { loadRound } from '../../../shared/tables/rounds.ts';
import { createRound, publicRound } from '../create-round.ts';
import { roundsRoutes } from '../routes.ts';
import { roundStore } from '../store.ts';

const store = roundStore();

export const handler = httpHandler('rounds', roundsRoutes, {
  createRound: async ({ body, principal, headers }) => {
    const { created, round } = await createRound(body, {
      principal,
      idempotencyKey: headers['idempotency-key'],
      store,
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
});
