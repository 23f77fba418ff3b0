import { defineRoutes } from '../../shared/platform/http.ts';
import { sampleRequestSchema } from './schemas.ts';

export const samplingRoutes = defineRoutes({
  requestSample: {
    method: 'POST',
    path: '/api/rounds/{roundId}/samples',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    body: sampleRequestSchema,
  },
  getSample: { method: 'GET', path: '/api/rounds/{roundId}/samples/{sampleId}', auth: 'ops' },
  exportList: {
    method: 'GET',
    path: '/api/rounds/{roundId}/samples/{sampleId}/{list}',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
});
