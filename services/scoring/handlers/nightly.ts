import middy from '@middy/core';
import { logger, withLogContext } from '../../../shared/platform/logger.ts';
import { roundsReader } from '../../../shared/tables/rounds.ts';
import { requestRunDeps } from '../deps.ts';
import { requestRun } from '../request-run.ts';

const deps = requestRunDeps();
const rounds = roundsReader();

/**
 * Nightly recompute of every round, through the same fan-out as an on-demand run: each round's run is
 * requested (a round with nothing new gets its existing run back); one failing round does not stop
 * the others.
 */
export const handler = middy()
  .use(withLogContext('scoring'))
  .handler(async () => {
    const all = await rounds.listAll();
    let failed = 0;
    let requested = 0;
    for (const round of all) {
      try {
        const run = await requestRun(round.id, 'schedule', deps);
        if (!run.reused) requested++;
      } catch (error) {
        failed++;
        logger('scoring').error('nightly scoring request failed', {
          roundId: round.id,
          error: error as Error,
        });
      }
    }
    if (failed > 0) throw new Error(`${failed} of ${all.length} rounds failed to be requested`);
    return { rounds: all.length, requested };
  });
