import { defineRoutes } from '../../shared/platform/http.ts';

/**
 * Exports: results as CSV/XLSX for every ops role (scoped and suppressed like GET …/results), and the
 * round's anonymised microdata for the Sở's analysts — admin and viewer, province-wide only (a unit's
 * focal point never sees raw answers: in a unit with few forms they could point to a respondent).
 */
export const scoringExportRoutes = defineRoutes({
  getResultsCsv: { method: 'GET', path: '/api/rounds/{roundId}/results.csv', auth: 'ops' },
  getResultsXlsx: { method: 'GET', path: '/api/rounds/{roundId}/results.xlsx', auth: 'ops' },
  getMicrodata: {
    method: 'GET',
    path: '/api/rounds/{roundId}/microdata',
    auth: 'ops',
    roles: ['admin', 'viewer'],
    allUnits: true,
  },
  getMicrodataCsv: {
    method: 'GET',
    path: '/api/rounds/{roundId}/microdata.csv',
    auth: 'ops',
    roles: ['admin', 'viewer'],
    allUnits: true,
  },
  getMicrodataXlsx: {
    method: 'GET',
    path: '/api/rounds/{roundId}/microdata.xlsx',
    auth: 'ops',
    roles: ['admin', 'viewer'],
    allUnits: true,
  },
});
