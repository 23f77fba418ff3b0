/**
 * Routes once: every HTTP route a manifest declares has an implementation in its handler module,
 * and every implementation is declared (so CDK, the local gateway and the dispatch agree).
 */
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/local/paths.ts';
import { ALL_FUNCTIONS } from '../../../services/manifests.ts';
import {
  BUCKET_NAMES,
  bucketEnvVar,
  QUEUE_NAMES,
  queueEnvVar,
  TABLE_NAMES,
  tableEnvVar,
} from '../../../shared/platform/resources.ts';

const httpFunctions = ALL_FUNCTIONS.filter((fn) => fn.trigger.kind === 'http' && !fn.trigger.fallback);

beforeAll(() => {
  // Handler modules build their stores at load; give them names (nothing is called).
  for (const t of TABLE_NAMES) process.env[tableEnvVar(t)] ??= `test-${t}`;
  for (const q of QUEUE_NAMES) process.env[queueEnvVar(q)] ??= `http://localhost/000000000000/${q}`;
  for (const b of BUCKET_NAMES) process.env[bucketEnvVar(b)] ??= `test-${b}`;
});

describe('route declarations vs handlers', () => {
  it('covers every HTTP function of the system', () => {
    expect(httpFunctions.map((f) => f.name).sort()).toEqual([
      'assessment-api',
      'roster-intake-api',
      'rounds-api',
      'sampling-api',
      'scoring-api',
      'scoring-exports',
      'submission-api',
      'web-form',
      'web-health',
    ]);
  });

  it.each(httpFunctions.map((fn) => [fn.name, fn] as const))(
    '%s: its handler serves exactly the routes its manifest declares',
    async (_name, fn) => {
      const mod: Record<string, unknown> = await import(pathToFileURL(`${REPO_ROOT}/${fn.entry}`).href);
      const handler = mod[fn.handler ?? 'handler'] as { routeKeys?: readonly string[] } | undefined;
      expect(handler?.routeKeys).toBeDefined();
      const declared =
        fn.trigger.kind === 'http'
          ? fn.trigger.routes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.path}`)
          : [];
      expect([...(handler?.routeKeys ?? [])].sort()).toEqual([...declared].sort());
    },
  );
});
