import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { submissionOpsRoutes, submissionRoutes } from './routes.ts';

export const functions = defineFunctions('submission', [
  {
    name: 'submission-api',
    description:
      'Accept a respondent’s answers exactly once per form (token or paper code; JSON API and HTML form post); one-time codes',
    entry: 'services/submission/handlers/api.ts',
    trigger: httpTrigger(submissionRoutes),
    // respondents: the roster's phone for a one-time code (read through its contract, decrypted here).
    tables: { rounds: 'read', samples: 'read', respondents: 'read', submissions: 'readWrite' },
    sendsTo: ['scoring-events'],
    // Paper codes (keyed hash), one-time codes and proofs, the client hash, the phone's decryption.
    usesSecret: true,
    notifies: true,
  },
  {
    name: 'submission-ops',
    description:
      'Paper entry with optional blind double entry and supervisor resolution; integrity signals; field-work progress',
    entry: 'services/submission/handlers/ops.ts',
    trigger: httpTrigger(submissionOpsRoutes),
    tables: { rounds: 'read', samples: 'read', submissions: 'readWrite' },
    sendsTo: ['scoring-events'],
    usesSecret: true,
  },
]);
