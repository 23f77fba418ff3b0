import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { scoringExportRoutes } from './export-routes.ts';
import { scoringRoutes } from './routes.ts';

const scoringTables = {
  rounds: 'read',
  samples: 'read',
  submissions: 'read',
  results: 'readWrite',
  assessments: 'read',
} as const;
/** Requests read no submission (the fan-out's parts do). */
const requestTables = { rounds: 'read', samples: 'read', results: 'readWrite' } as const;

export const functions = defineFunctions('scoring', [
  {
    name: 'scoring-api',
    description: 'Run scoring on demand; read results',
    entry: 'services/scoring/handlers/api.ts',
    trigger: httpTrigger(scoringRoutes),
    tables: scoringTables,
    sendsTo: ['scoring-parts'],
    timeoutSeconds: 29,
  },
  {
    name: 'scoring-exports',
    description:
      'Results as CSV/XLSX (suppressed below admin); anonymised microdata as JSON pages, CSV, XLSX',
    entry: 'services/scoring/handlers/exports.ts',
    trigger: httpTrigger(scoringExportRoutes),
    tables: { rounds: 'read', submissions: 'read', results: 'read' },
    buckets: { uploads: 'readWrite' },
    // The secret seals microdata cursors (they carry DynamoDB keys).
    usesSecret: true,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'scoring-events',
    description: 'Keep live counters (returned forms) per unit × field',
    entry: 'services/scoring/handlers/events.ts',
    // Large batches over a 1 s window: one RETURNED# write per batch, whatever units the forms are of.
    trigger: { kind: 'queue', queue: 'scoring-events', batchSize: 100, maxBatchingWindowSeconds: 1 },
    tables: { results: 'readWrite' },
    sendsTo: ['scoring-parts'],
    timeoutSeconds: 30,
  },
  {
    name: 'scoring-nightly',
    description: 'Request a recompute of every round (02:00 Asia/Ho_Chi_Minh), through the fan-out',
    entry: 'services/scoring/handlers/nightly.ts',
    trigger: { kind: 'schedule', expression: 'cron(0 19 * * ? *)' },
    tables: requestTables,
    sendsTo: ['scoring-parts'],
    timeoutSeconds: 300,
  },
  {
    name: 'scoring-runs',
    description: 'Recompute fan-out: plan a run into parts, score a part, finalise the run',
    entry: 'services/scoring/handlers/runs.ts',
    trigger: { kind: 'queue', queue: 'scoring-parts', batchSize: 1, localConcurrency: 2 },
    tables: scoringTables,
    sendsTo: ['scoring-parts'],
    memoryMb: 1769,
    timeoutSeconds: 300,
  },
]);
