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
    description: "Plan a draw: group the round's units into parts (from unit versions only) and send them",
    entry: 'services/sampling/handlers/draw.ts',
    trigger: { kind: 'queue', queue: 'sampling-requests', batchSize: 1 },
    tables: { respondents: 'read', samples: 'readWrite' },
    sendsTo: ['sampling-parts'],
    timeoutSeconds: 60,
  },
  {
    name: 'sampling-part',
    description: 'One step of one part of a draw: scan rule-15 claims, resolve a bucket, or draw its strata',
    entry: 'services/sampling/handlers/part.ts',
    trigger: { kind: 'queue', queue: 'sampling-parts', batchSize: 1 },
    tables: { respondents: 'read', samples: 'readWrite' },
    sendsTo: ['sampling-parts'],
    usesSecret: true,
    // Two vCPUs from 1,769 MB: the draw hashes on a worker thread beside the main one.
    memoryMb: 2048,
    timeoutSeconds: 300,
  },
]);
