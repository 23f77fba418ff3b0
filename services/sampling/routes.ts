import { defineRoutes } from '../../shared/platform/http.ts';
import { sampleRequestSchema, substitutionSchema } from './schemas.ts';

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
  verifySample: {
    method: 'GET',
    path: '/api/rounds/{roundId}/samples/{sampleId}/verify',
    auth: 'ops',
    roles: ['admin', 'operator', 'viewer'],
    allUnits: true,
  },
  substitute: {
    method: 'POST',
    path: '/api/rounds/{roundId}/samples/{sampleId}/substitutions',
    auth: 'ops',
    roles: ['admin', 'operator'],
    body: substitutionSchema,
  },
  stratumHistory: {
    method: 'GET',
    path: '/api/rounds/{roundId}/samples/{sampleId}/strata/{unitCode}/{fieldCode}/history',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  publishedManifest: {
    method: 'GET',
    path: '/api/rounds/{roundId}/samples/{sampleId}/manifest.json',
    auth: 'ops',
    roles: ['admin', 'operator', 'viewer'],
    allUnits: true,
  },
  personKeys: {
    method: 'GET',
    path: '/api/rounds/{roundId}/samples/{sampleId}/person-keys.csv',
    auth: 'ops',
    roles: ['admin', 'operator', 'viewer'],
    allUnits: true,
  },
  letters: {
    method: 'GET',
    path: '/api/rounds/{roundId}/samples/{sampleId}/letters',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  createRaterForms: {
    method: 'POST',
    path: '/api/rounds/{roundId}/rater-forms',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
  },
  getRaterForms: { method: 'GET', path: '/api/rounds/{roundId}/rater-forms/{formsId}', auth: 'ops' },
  listRaterForms: {
    method: 'GET',
    path: '/api/rounds/{roundId}/rater-forms/{formsId}/forms',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  exportList: {
    method: 'GET',
    path: '/api/rounds/{roundId}/samples/{sampleId}/{list}',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
});
