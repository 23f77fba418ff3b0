import { visibleUnits } from '../../../shared/platform/auth.ts';
import { NotFoundError } from '../../../shared/platform/errors.ts';
import { httpHandler, json } from '../../../shared/platform/http.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { requestRunDeps } from '../deps.ts';
import { requestRun } from '../request-run.ts';
import { scoringRoutes } from '../routes.ts';
import { mayseeSmallCells, scopeResults, suppressRow } from '../scope-results.ts';
import { resultStore } from '../store.ts';

const results = resultStore();
const rounds = roundsReader();
const runDeps = requestRunDeps();

export const handler = httpHandler('scoring', scoringRoutes, {
  requestScoring: async ({ params }) => {
    // Records the request and sends it to the fan-out; the id names the input, so asking again with
    // nothing new returns the same run.
    const run = await requestRun(params.roundId, 'on-demand', runDeps);
    return run.reused
      ? json(200, { runId: run.runId, status: run.status, reused: true })
      : json(202, { runId: run.runId, status: run.status });
  },
  listRuns: async ({ params }) => {
    const round = await loadRound(params.roundId, rounds);
    const runs = await results.listRuns(round.id);
    runs.sort((a, b) => a.at.localeCompare(b.at) || a.runId.localeCompare(b.runId));
    return json(200, { roundId: round.id, runs });
  },
  getRun: async ({ params, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const run = await results.getRun(round.id, params.runId);
    if (!run) throw new NotFoundError(`Không có lần tính điểm "${params.runId}".`, 'RUN_NOT_FOUND');
    const k = round.settings.minCellSize;
    const parts = (await results.listRunParts(round.id, run.runId))
      .filter((p) => {
        const unit = (p as { unitCode?: unknown }).unitCode;
        return typeof unit !== 'string' || visibleUnits(principal, [{ unitCode: unit }]).length > 0;
      })
      .map((p) => (mayseeSmallCells(principal) ? p : suppressRow(p, k)));
    return json(200, { roundId: round.id, run, parts });
  },
  getResults: async ({ params, principal }) => {
    const round = await loadRound(params.roundId, rounds);
    const [latest, live] = await Promise.all([results.getLatest(round.id), results.liveCounts(round.id)]);
    return json(200, {
      roundId: round.id,
      minCellSize: round.settings.minCellSize,
      live: visibleUnits(principal, live),
      latest: scopeResults(latest, principal, round.settings.minCellSize),
    });
  },
});
