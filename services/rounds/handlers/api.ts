import { NotFoundError } from '../../../shared/platform/errors.ts';
import { httpHandler, json, route } from '../../../shared/platform/http.ts';
import { createRound, publicRound } from '../create-round.ts';
import { createRoundSchema } from '../schemas.ts';
import { roundStore } from '../store.ts';

const store = roundStore();

export const handler = httpHandler('rounds', {
  'POST /api/rounds': route({
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    body: createRoundSchema,
    maxBodyBytes: 2 * 1024 * 1024,
    handle: async ({ body, principal, headers }) => {
      const { created, round } = await createRound(body, {
        principal: principal!,
        idempotencyKey: headers['idempotency-key'],
        store,
      });
      return json(created ? 201 : 200, { roundId: round.id, round: publicRound(round) });
    },
  }),
  'GET /api/rounds': route({
    auth: 'ops',
    handle: async ({ query }) => {
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
  }),
  'GET /api/rounds/{roundId}': route({
    auth: 'ops',
    handle: async ({ params }) => {
      const round = await store.get(params.roundId ?? '');
      if (!round) throw new NotFoundError('Không tìm thấy đợt khảo sát.', 'ROUND_NOT_FOUND');
      return json(200, publicRound(round));
    },
  }),
});
