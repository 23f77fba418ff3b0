import { defineRoutes } from '../../shared/platform/http.ts';
import { createRoundSchema, roundSeedInputSchema, schedulePatchSchema, transitionSchema } from './schemas.ts';

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
  // Lifecycle: the domain's guards decide (operators get ROLE_NOT_ALLOWED from the transitions table).
  transitionRound: {
    method: 'POST',
    path: '/api/rounds/{roundId}/transitions',
    auth: 'ops',
    roles: ['admin', 'operator'],
    allUnits: true,
    body: transitionSchema,
  },
  updateSchedule: {
    method: 'PATCH',
    path: '/api/rounds/{roundId}/schedule',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    body: schedulePatchSchema,
  },
  fixSeed: {
    method: 'POST',
    path: '/api/rounds/{roundId}/seed',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    body: roundSeedInputSchema,
  },
  getAudit: {
    method: 'GET',
    path: '/api/rounds/{roundId}/audit',
    auth: 'ops',
    roles: ['admin'],
  },
  // Call lists: unit-scoped; names and phones for admins and operators only.
  listNonResponders: {
    method: 'GET',
    path: '/api/rounds/{roundId}/non-responders',
    auth: 'ops',
    roles: ['admin', 'operator', 'viewer'],
  },
  exportNonResponders: {
    method: 'GET',
    path: '/api/rounds/{roundId}/non-responders.csv',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  runReminders: {
    method: 'POST',
    path: '/api/rounds/{roundId}/reminders',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
  },
  listReminders: {
    method: 'GET',
    path: '/api/rounds/{roundId}/reminders',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
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
  // Unit catalogues: the file is the raw body (CSV or XLSX), `?id=` names the catalogue.
  importCatalogue: {
    method: 'POST',
    path: '/api/catalogues',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    maxBodyBytes: 10 * 1024 * 1024,
  },
  listCatalogues: { method: 'GET', path: '/api/catalogues', auth: 'ops' },
  getCatalogue: { method: 'GET', path: '/api/catalogues/{id}/{version}', auth: 'ops' },
  getCatalogueSuccession: {
    method: 'GET',
    path: '/api/catalogues/{id}/{version}/successors',
    auth: 'ops',
  },
});
