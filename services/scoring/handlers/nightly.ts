import middy from '@middy/core';
import { newId } from '../../../shared/platform/ids.ts';
import { logger, withLogContext } from '../../../shared/platform/logger.ts';
import { roundsReader } from '../../../shared/tables/rounds.ts';
import { scoringDeps } from '../deps.ts';
import { scoreRound } from '../handle-event.ts';

const deps = scoringDeps();
const rounds = roundsReader();

/** Nightly recompute of every round; one failing round does not stop the others. */
export const handler = middy()
  .use(withLogContext('scoring'))
  .handler(async () => {
    const all = await rounds.listAll();
    let failed = 0;
    for (const round of all) {
      try {
        await scoreRound(round.id, newId('run'), 'schedule', deps);
      } catch (error) {
        failed++;
        logger('scoring').error('nightly scoring failed', { roundId: round.id, error: error as Error });
      }
    }
    if (failed > 0) throw new Error(`${failed} of ${all.length} rounds failed to score`);
    return { rounds: all.length };
  });
