import { resolveSipasRules } from '../../../shared/domain/index.ts';
import { type Principal, visibleUnits } from '../../../shared/platform/auth.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/platform/errors.ts';
import { httpHandler, json } from '../../../shared/platform/http.ts';
import type { LatestResults } from '../../../shared/tables/results.ts';
import { loadRound, loadRoundTemplate, type Round, roundsReader } from '../../../shared/tables/rounds.ts';
import { comparability, compareResults } from '../compare.ts';
import { requestRunDeps } from '../deps.ts';
import { requestRun } from '../request-run.ts';
import { scoringRoutes } from '../routes.ts';
import { mayseeSmallCells, scopeResults, suppressRow } from '../scope-results.ts';
import { resultStore } from '../store.ts';

const results = resultStore();
const rounds = roundsReader();
const runDeps = requestRunDeps();

/** `?compare=<earlierRoundId>`: both sides scoped and suppressed for the caller. */
const comparison = async (
  round: Round,
  current: ReturnType<typeof scopeResults<LatestResults>>,
  earlierId: string,
  principal: Principal,
) => {
  if (earlierId === '' || earlierId === round.id) {
    throw new ValidationError(
      'Hãy chọn một đợt khảo sát trước để so sánh (khác đợt này).',
      undefined,
      'COMPARE_ROUND_INVALID',
    );
  }
  const earlier = await loadRound(earlierId, rounds);
  if (earlier.kind !== round.kind) {
    throw new ValidationError(
      `Đợt "${earlier.name}" là khảo sát ${earlier.kind}, không so sánh được với đợt ${round.kind} này.`,
      undefined,
      'COMPARE_KIND_MISMATCH',
    );
  }
  const before = scopeResults(await results.getLatest(earlier.id), principal, earlier.settings.minCellSize);
  if (!before || !current) {
    throw new ConflictError(
      'COMPARE_NO_RESULTS',
      `Chưa có kết quả tính điểm của ${before ? 'đợt này' : `đợt "${earlier.name}"`} để so sánh.`,
    );
  }
  const [now, then] = await Promise.all([loadRoundTemplate(round), loadRoundTemplate(earlier)]);
  const rulesOf = (r: Round) => resolveSipasRules(r.kind === 'SIPAS' ? r.scoringRules : undefined);
  const a = rulesOf(round);
  const b = rulesOf(earlier);
  const sameRules =
    round.kind !== 'SIPAS' ||
    (a.aggregation === b.aggregation &&
      a.indexMethod === b.indexMethod &&
      JSON.stringify(a.satisfiedLevels ?? null) === JSON.stringify(b.satisfiedLevels ?? null));
  return compareResults(current, before, earlier.id, comparability(now, then, sameRules));
};

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
  getResults: async ({ params, principal, query }) => {
    const round = await loadRound(params.roundId, rounds);
    const [latest, live] = await Promise.all([results.getLatest(round.id), results.liveCounts(round.id)]);
    const scoped = scopeResults(latest, principal, round.settings.minCellSize);
    return json(200, {
      roundId: round.id,
      minCellSize: round.settings.minCellSize,
      live: visibleUnits(principal, live),
      latest: scoped,
      ...(query.compare !== undefined
        ? { comparison: await comparison(round, scoped, query.compare, principal) }
        : {}),
    });
  },
});
