import { defineRoutes } from '../../shared/platform/http.ts';

export const scoringRoutes = defineRoutes({
  requestScoring: {
    method: 'POST',
    path: '/api/rounds/{roundId}/scoring',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
  },
  getResults: { method: 'GET', path: '/api/rounds/{roundId}/results', auth: 'ops' },
});
