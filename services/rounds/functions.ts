import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { roundsRoutes } from './routes.ts';

export const functions = defineFunctions('rounds', [
  {
    name: 'rounds-api',
    description: 'Create and read survey rounds (units, fields, template)',
    entry: 'services/rounds/handlers/api.ts',
    trigger: httpTrigger(roundsRoutes),
    tables: { rounds: 'readWrite' },
  },
]);
