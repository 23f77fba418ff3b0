import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { formRoutes, healthRoutes } from './routes.ts';

export const functions = defineFunctions('web', [
  {
    name: 'web-form',
    description: 'Public Vietnamese survey form (server-rendered, works without JavaScript)',
    entry: 'services/web/handlers/form.ts',
    trigger: httpTrigger(formRoutes),
    // Renders only: reads through the table contracts, writes nothing, sends nothing.
    tables: { rounds: 'read', samples: 'read', submissions: 'read' },
    // The secret turns a typed paper code into its form token (keyed code hash, HMAC token).
    usesSecret: true,
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
    trigger: httpTrigger(healthRoutes),
  },
]);
