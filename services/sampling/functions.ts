import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { samplingRoutes } from './routes.ts';

export const functions = defineFunctions('sampling', [
  {
    name: 'sampling-api',
    description: 'Request a draw; read sample manifests and export official/reserve lists',
    entry: 'services/sampling/handlers/api.ts',
    trigger: httpTrigger(samplingRoutes),
    tables: { rounds: 'read', respondents: 'read', samples: 'readWrite' },
    sendsTo: ['sampling-requests'],
    usesSecret: true,
  },
  {
    name: 'sampling-draw',
    description: 'Draw official and reserve lists per unit × field with the hash-rank method',
    entry: 'services/sampling/handlers/draw.ts',
    trigger: { kind: 'queue', queue: 'sampling-requests', batchSize: 1 },
    tables: { rounds: 'read', respondents: 'read', samples: 'readWrite' },
    usesSecret: true,
    memoryMb: 1024,
    timeoutSeconds: 120,
  },
]);
