import { defineRoutes } from '../../shared/platform/http.ts';
import { createRoundSchema } from './schemas.ts';

export const roundsRoutes = defineRoutes({
  createRound: {
    method: 'POST',
    path: '/api/rounds',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    body: createRoundSchema,
    maxBodyBytes: 2 * 1024 * 1024,
  },
  listRounds: { method: 'GET', path: '/api/rounds', auth: 'ops' },
  getRound: { method: 'GET', path: '/api/rounds/{roundId}', auth: 'ops' },
});
