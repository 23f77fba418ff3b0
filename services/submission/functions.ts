import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { submissionRoutes } from './routes.ts';

export const functions = defineFunctions('submission', [
  {
    name: 'submission-api',
    description: 'Accept a respondent’s answers exactly once per form token (JSON API and HTML form post)',
    entry: 'services/submission/handlers/api.ts',
    trigger: httpTrigger(submissionRoutes),
    tables: { rounds: 'read', samples: 'read', submissions: 'readWrite' },
    sendsTo: ['scoring-events'],
  },
]);
