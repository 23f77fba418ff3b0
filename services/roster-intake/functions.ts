import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { rosterIntakeRoutes } from './routes.ts';

export const functions = defineFunctions('roster-intake', [
  {
    name: 'roster-intake-api',
    description:
      'Accept a roster file, validate rows, queue them in chunks; import status; stored respondents',
    entry: 'services/roster-intake/handlers/api.ts',
    trigger: httpTrigger(rosterIntakeRoutes),
    tables: { rounds: 'read', respondents: 'readWrite' },
    sendsTo: ['roster-chunks'],
    // Signs presigned PUT URLs for large rosters (the URL carries this function's permission).
    buckets: { uploads: 'readWrite' },
    usesSecret: true,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'roster-intake-parse',
    description:
      'Read a roster uploaded to S3 (presigned PUT), check it whole, then queue its rows in byte-bounded chunks',
    entry: 'services/roster-intake/handlers/parse.ts',
    trigger: { kind: 'queue', queue: 'roster-uploads', batchSize: 1 },
    tables: { rounds: 'read', respondents: 'readWrite' },
    sendsTo: ['roster-chunks'],
    buckets: { uploads: 'read' },
    usesSecret: true,
    memoryMb: 1024,
    timeoutSeconds: 900,
  },
  {
    name: 'roster-intake-chunk',
    description: 'Write one chunk of validated roster rows to the respondents table, idempotently',
    entry: 'services/roster-intake/handlers/chunk.ts',
    // One chunk per invocation (≈ 1,000–1,300 items): a slow write never times out a batch of
    // neighbours; two batches at once locally, so one chunk's reads and status updates overlap
    // the other's BatchWriteItem calls (tuned with bench/roster-intake.ts).
    trigger: { kind: 'queue', queue: 'roster-chunks', batchSize: 1, localConcurrency: 2 },
    tables: { respondents: 'readWrite' },
    // The quality-checks request, once an import's last chunk is written.
    sendsTo: ['roster-uploads'],
    timeoutSeconds: 30,
  },
]);
