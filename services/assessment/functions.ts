import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { assessmentRoutes } from './routes.ts';

export const functions = defineFunctions('assessment', [
  {
    name: 'assessment-api',
    description: 'PAR criteria versions; self-assessment, appraisal, response and finalisation per unit',
    entry: 'services/assessment/handlers/api.ts',
    trigger: httpTrigger(assessmentRoutes),
    tables: { rounds: 'read', assessments: 'readWrite' },
    buckets: { uploads: 'readWrite' },
  },
]);
