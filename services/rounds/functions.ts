import { defineFunctions } from '../../shared/platform/manifest.ts';

export const functions = defineFunctions('rounds', [
  {
    name: 'rounds-api',
    description: 'Create and read survey rounds (units, fields, template)',
    entry: 'services/rounds/handlers/api.ts',
    trigger: {
      kind: 'http',
      auth: 'ops',
      routes: [
        { method: 'POST', path: '/api/rounds' },
        { method: 'GET', path: '/api/rounds' },
        { method: 'GET', path: '/api/rounds/{roundId}' },
      ],
    },
    tables: { rounds: 'readWrite' },
  },
]);
