/**
 * vitest globalSetup of the `integration` project: one local runtime (in memory, free port, fixed dev
 * token, no demo data, no self-firing schedules) serves every integration and e2e file.
 */
import type { TestProject } from 'vitest/node';
import { quietLogger } from '../../infra/local/log.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';

/** Fixed so failing tests can be replayed by hand with curl. */
export const TEST_DEV_TOKEN = 'test-dev-token-0123456789';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    devToken: string;
    dynamodbEndpoint: string;
    sqsEndpoint: string;
    s3Endpoint: string;
    outboxDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Small draw parts, so a roster of a few hundred rows already fans out (sampling-scale.test.ts).
  process.env.DIEUTRA_DRAW_PART_DOSSIERS ??= '150';
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir: null,
    devToken: TEST_DEV_TOKEN,
    seed: false,
    // Tests call the scoring endpoint themselves; a nightly run firing mid-suite would only add noise.
    schedules: false,
    log: quietLogger,
  });
  project.provide('baseUrl', runtime.baseUrl);
  project.provide('devToken', runtime.devToken);
  project.provide('dynamodbEndpoint', runtime.endpoints.dynamodb);
  project.provide('sqsEndpoint', runtime.endpoints.sqs);
  project.provide('s3Endpoint', runtime.endpoints.s3);
  project.provide('outboxDir', runtime.outboxDir);
  return () => runtime.stop();
}
