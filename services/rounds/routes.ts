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
  /** The round's questionnaire (its imported version or built-in template): the paper-entry layout. */
  getRoundQuestionnaire: { method: 'GET', path: '/api/rounds/{roundId}/questionnaire', auth: 'ops' },
  // The file is the raw body (CSV, XLSX or JSON); metadata missing from it may come as query parameters.
  importQuestionnaire: {
    method: 'POST',
    path: '/api/questionnaires',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    maxBodyBytes: 5 * 1024 * 1024,
  },
  listQuestionnaires: { method: 'GET', path: '/api/questionnaires', auth: 'ops' },
  getQuestionnaire: { method: 'GET', path: '/api/questionnaires/{id}/{version}', auth: 'ops' },
});
