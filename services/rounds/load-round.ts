import { NotFoundError } from '../../shared/platform/errors.ts';
import type { Round } from './schemas.ts';
import { roundStore } from './store.ts';

let store: ReturnType<typeof roundStore> | undefined;

/** Reads a round for another service; 404 ROUND_NOT_FOUND when it does not exist. */
export const loadRound = async (roundId: string): Promise<Round> => {
  store ??= roundStore();
  const round = await store.get(roundId);
  if (!round) throw new NotFoundError('Không tìm thấy đợt khảo sát.', 'ROUND_NOT_FOUND');
  return round;
};
