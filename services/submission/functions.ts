import { defineFunctions } from '../../shared/platform/manifest.ts';

export const functions = defineFunctions('submission', [
  {
    name: 'submission-api',
    description: 'Accept a respondent’s answers exactly once per form token',
    entry: 'services/submission/handlers/api.ts',
    trigger: { kind: 'http', auth: 'public', routes: [{ method: 'POST', path: '/api/submissions' }] },
    tables: { rounds: 'read', samples: 'read', submissions: 'readWrite' },
    sendsTo: ['scoring-events'],
  },
]);
