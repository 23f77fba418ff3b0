import { sendScoringEvent } from '../../../shared/contracts/scoring-events.ts';
import { visibleUnits } from '../../../shared/platform/auth.ts';
import { NotFoundError } from '../../../shared/platform/errors.ts';
import { httpHandler, json } from '../../../shared/platform/http.ts';
import { loadRound, roundsReader } from '../../../shared/tables/rounds.ts';
import { submissionsReader } from '../../../shared/tables/submissions.ts';
import { scoringRoutes } from '../routes.ts';
import { mayseeSmallCells, scopeResults, suppressRow } from '../scope-results.ts';
import { readRoundSubmissions, runIdOf, snapshotOf } from '../snapshot.ts';
import { resultStore } from '../store.ts';

const results = resultStore();
const rounds = roundsReader();
const submissions = submissionsReader();

export const handler = httpHandler('scoring', scoringRoutes, {
  requestScoring: async ({ params }) => {
    const round = await loadRound(params.roundId, rounds);
    // The id names the input: asking again with nothing new returns the same run.
    const snapshot = snapshotOf(round, await readRoundSubmissions(round.id, submissions));
    const runId = runIdOf(round.id, snapshot);
    const existing = await results.getRun(round.id, runId);
    if (existing) return json(200, { runId, status: existing.status, reused: true });
    await results.putRun(round.id, {
      runId,
      status: 'requested',
      at: new Date().toISOString(),
      trigger: 'on-demand',
      snapshot,
    });
    await sendScoringEvent({ kind: 'score-round', roundId: round.id, runId });
    return json(202, { runId, status: 'requested' });
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
