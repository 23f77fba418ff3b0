import { defineRoutes } from '../../shared/platform/http.ts';

export const rosterIntakeRoutes = defineRoutes({
  uploadRoster: {
    method: 'POST',
    path: '/api/rounds/{roundId}/rosters',
    auth: 'ops',
    roles: ['admin', 'operator'],
    // Lambda's synchronous payload limit is 6 MB; larger files take the presigned-upload path.
    maxBodyBytes: 5 * 1024 * 1024,
  },
  getImport: { method: 'GET', path: '/api/rounds/{roundId}/rosters/{importId}', auth: 'ops' },
  getImportErrors: {
    method: 'GET',
    path: '/api/rounds/{roundId}/rosters/{importId}/errors.csv',
    auth: 'ops',
  },
  listRespondents: {
    method: 'GET',
    path: '/api/rounds/{roundId}/respondents',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
});
