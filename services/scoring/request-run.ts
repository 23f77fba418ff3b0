/**
 * A recompute request (on demand over HTTP, or from the schedule): records the run and sends one `plan`
 * message — no form is read here. The run id comes from what identifies the input at request time
 * (configuration, issued counts' sample, live counters), so asking again with nothing new returns the
 * same run; a failed run with the same input is retried under a new id (`retryOf`).
 */
import type { SendScoringParts } from '../../shared/contracts/scoring-parts.ts';
import { logger } from '../../shared/platform/logger.ts';
import { loadRound, type RoundsReader } from '../../shared/tables/rounds.ts';
import type { SamplesReader } from '../../shared/tables/samples.ts';
import { latestCompletedSample } from './issued.ts';
import { requestSnapshot, runIdOf } from './snapshot.ts';
import type { ResultStore } from './store.ts';

export interface RequestRunDeps {
  rounds: Pick<RoundsReader, 'get'>;
  samples: Pick<SamplesReader, 'listManifests'>;
  results: Pick<ResultStore, 'getRun' | 'createRun' | 'liveCounts' | 'markFailed'>;
  send: SendScoringParts;
  now?: () => Date;
}

export interface RunRequested {
  runId: string;
  status: string;
  reused: boolean;
}

export const requestRun = async (
  roundId: string,
  trigger: 'on-demand' | 'schedule',
  deps: RequestRunDeps,
): Promise<RunRequested> => {
  const round = await loadRound(roundId, deps.rounds);
  const [live, manifests] = await Promise.all([
    deps.results.liveCounts(round.id),
    deps.samples.listManifests(round.id),
  ]);
  const base = requestSnapshot(round, live, latestCompletedSample(manifests)?.sampleId ?? null);
  let retryOf: string | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const runId = runIdOf(round.id, retryOf ? { ...base, retryOf } : base);
    const existing = await deps.results.getRun(round.id, runId);
    if (existing?.status === 'failed') {
      retryOf = runId;
      continue;
    }
    if (existing) return { runId, status: existing.status, reused: true };
    const at = (deps.now?.() ?? new Date()).toISOString();
    const created = await deps.results.createRun(round.id, {
      runId,
      status: 'requested',
      at,
      trigger,
      snapshot: { ...base, cutoff: at },
      ...(retryOf ? { retryOf } : {}),
    });
    if (!created) {
      const raced = await deps.results.getRun(round.id, runId);
      return { runId, status: raced?.status ?? 'requested', reused: true };
    }
    try {
      await deps.send([{ kind: 'plan', roundId: round.id, runId }]);
    } catch (error) {
      await deps.results.markFailed(round.id, runId, {
        code: 'QUEUE_UNAVAILABLE',
        message: 'Không gửi được yêu cầu tính điểm vào hàng đợi; hãy thử lại.',
      });
      throw error;
    }
    logger('scoring').info('scoring run requested', { roundId: round.id, runId, trigger });
    return { runId, status: 'requested', reused: false };
  }
  throw new Error(`too many failed runs with the same input for round ${round.id}`);
};
