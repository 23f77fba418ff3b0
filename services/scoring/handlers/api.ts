import { sendScoringEvent } from '../../../shared/contracts/scoring-events.ts';
import { visibleUnits } from '../../../shared/platform/auth.ts';
import { httpHandler, json } from '../../../shared/platform/http.ts';
import { newId } from '../../../shared/platform/ids.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { scoringRoutes } from '../routes.ts';
import { scopeResults } from '../scope-results.ts';
import { resultStore } from '../store.ts';

const results = resultStore();
const rounds = roundsReader();

export const handler = httpHandler('scoring', scoringRoutes, {
  requestScoring: async ({ params }) => {
    const round = await loadRound(params.roundId, rounds);
    const runId = newId('run');
    await results.putRun(round.id, {
      runId,
      status: 'requested',
      at: new Date().toISOString(),
      trigger: 'on-demand',
    });
    await sendScoringEvent({ kind: 'score-round', roundId: round.id, runId });
    return json(202, { runId, status: 'requested' });
  },
  getResults: async ({ params, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const [latest, live] = await Promise.all([results.getLatest(round.id), results.liveCounts(round.id)]);
    return json(200, {
      roundId: round.id,
      live: visibleUnits(principal, live),
      latest: scopeResults(latest, principal),
    });
  },
});
