import { visibleUnits } from '../../../shared/platform/auth.ts';
import { httpHandler, json, route } from '../../../shared/platform/http.ts';
import { newId } from '../../../shared/platform/ids.ts';
import { sendMessage } from '../../../shared/platform/queue.ts';
import { loadRound } from '../../rounds/load-round.ts';
import type { ScoreRoundMessage } from '../schemas.ts';
import { scopeResults } from '../scope-results.ts';
import { resultStore } from '../store.ts';

const results = resultStore();

export const handler = httpHandler('scoring', {
  'POST /api/rounds/{roundId}/scoring': route({
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    handle: async ({ params }) => {
      const round = await loadRound(params.roundId ?? '');
      const runId = newId('run');
      await results.putRun(round.id, {
        runId,
        status: 'requested',
        at: new Date().toISOString(),
        trigger: 'on-demand',
      });
      const message: ScoreRoundMessage = { kind: 'score-round', roundId: round.id, runId };
      await sendMessage('scoring-events', message);
      return json(202, { runId, status: 'requested' });
    },
  }),
  'GET /api/rounds/{roundId}/results': route({
    auth: 'ops',
    handle: async ({ params, principal }) => {
      const round = await loadRound(params.roundId ?? '');
      const [latest, live] = await Promise.all([results.getLatest(round.id), results.liveCounts(round.id)]);
      return json(200, {
        roundId: round.id,
        live: visibleUnits(principal!, live),
        latest: scopeResults(latest, principal!),
      });
    },
  }),
});
