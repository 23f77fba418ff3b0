import { defineFunctions } from '../../shared/platform/manifest.ts';

export const functions = defineFunctions('web', [
  {
    name: 'web-form',
    description: 'Public Vietnamese survey form (server-rendered, works without JavaScript)',
    entry: 'services/web/handlers/form.ts',
    trigger: {
      kind: 'http',
      auth: 'public',
      routes: [
        { method: 'GET', path: '/' },
        { method: 'GET', path: '/f/{token}' },
        // Link scanners probe with HEAD; API Gateway routes HEAD only when it is declared.
        { method: 'HEAD', path: '/f/{token}' },
        { method: 'POST', path: '/f/{token}' },
      ],
    },
    tables: { rounds: 'read', samples: 'read', submissions: 'readWrite' },
    sendsTo: ['scoring-events'],
  },
  {
    name: 'web-fallback',
    description: 'JSON 404 / 405 for requests that match no route',
    entry: 'services/web/handlers/fallback.ts',
    trigger: { kind: 'http', auth: 'public', routes: [], fallback: true },
  },
  {
    name: 'web-health',
    description: 'Liveness of the API',
    entry: 'services/web/handlers/health.ts',
    trigger: { kind: 'http', auth: 'public', routes: [{ method: 'GET', path: '/api/health' }] },
  },
]);
