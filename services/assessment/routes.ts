import { defineRoutes } from '../../shared/platform/http.ts';
import {
  appraisalSchema,
  attachCriteriaSchema,
  evidenceUploadSchema,
  responseSchema,
  selfAssessmentSchema,
} from './schemas.ts';

const unit = '/api/rounds/{roundId}/assessments/{unitCode}';

export const assessmentRoutes = defineRoutes({
  // The tree is the raw body (CSV with metadata as query parameters, or JSON).
  importCriteria: {
    method: 'POST',
    path: '/api/par-criteria',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    maxBodyBytes: 1024 * 1024,
  },
  listCriteria: { method: 'GET', path: '/api/par-criteria', auth: 'ops' },
  getCriteria: { method: 'GET', path: '/api/par-criteria/{id}/{version}', auth: 'ops' },
  attachCriteria: {
    method: 'PUT',
    path: '/api/rounds/{roundId}/par-criteria',
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    body: attachCriteriaSchema,
  },
  getRoundCriteria: { method: 'GET', path: '/api/rounds/{roundId}/par-criteria', auth: 'ops' },
  listAssessments: { method: 'GET', path: '/api/rounds/{roundId}/assessments', auth: 'ops' },
  getAssessment: { method: 'GET', path: unit, auth: 'ops' },
  selfAssess: {
    method: 'PUT',
    path: `${unit}/self/{criterionCode}`,
    auth: 'ops',
    roles: ['admin', 'operator'],
    body: selfAssessmentSchema,
  },
  requestEvidenceUpload: {
    method: 'POST',
    path: `${unit}/evidence-uploads`,
    auth: 'ops',
    roles: ['admin', 'operator'],
    body: evidenceUploadSchema,
  },
  submitSelfAssessment: {
    method: 'POST',
    path: `${unit}/submit`,
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  appraise: {
    method: 'PUT',
    path: `${unit}/appraisal/{criterionCode}`,
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
    body: appraisalSchema,
  },
  publishAppraisal: {
    method: 'POST',
    path: `${unit}/publish-appraisal`,
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
  },
  respond: {
    method: 'POST',
    path: `${unit}/response`,
    auth: 'ops',
    roles: ['admin', 'operator'],
    body: responseSchema,
  },
  finalise: {
    method: 'POST',
    path: `${unit}/finalise`,
    auth: 'ops',
    roles: ['admin'],
    allUnits: true,
  },
  getAudit: {
    method: 'GET',
    path: '/api/rounds/{roundId}/assessment-audit',
    auth: 'ops',
    roles: ['admin', 'viewer'],
    allUnits: true,
  },
});
