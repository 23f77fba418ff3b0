import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FUNCTIONS } from '../../services/manifests.ts';
import { type SynthesizedApp, synthApp } from './synth-app.ts';
import { propsOf } from './template-queries.ts';

/**
 * Real esbuild bundling of every handler, exactly as `cdk synth` does it, then each bundle is
 * loaded the way Lambda loads it: a fresh Node 22 process with only the environment its function
 * gets. A handler that reads a table or queue its manifest does not declare fails here, not at a
 * cold start in AWS.
 */
let s: SynthesizedApp;

// Bundling every function (17 now) takes minutes on a loaded 2-core machine.
beforeAll(() => {
  s = synthApp({ bundle: true });
}, 600_000);
afterAll(() => rmSync(s.app.outdir, { recursive: true, force: true }));

const bundleOf = (name: string) => {
  const fn = s.stateless.functions.get(name)!;
  const props = propsOf(
    s.statelessTemplate.toJSON().Resources[s.stateless.getLogicalId(fn.node.defaultChild as CfnElement)],
  );
  const key = (props.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
  const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
  return { dir: join(s.app.outdir, `asset.${key}`), variables };
};

/** Deploy-time values (cross-stack references) replaced by values of the right shape. */
const placeholderEnv = (variables: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).map(([key, value]) => {
      if (typeof value === 'string') return [key, value];
      if (key.endsWith('_URL')) return [key, `https://sqs.ap-southeast-1.amazonaws.com/123456789012/${key}`];
      if (key.endsWith('_ARN'))
        return [key, `arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:${key}`];
      return [key, `placeholder-${key.toLowerCase()}`];
    }),
  );

describe('ServiceFunction bundling', () => {
  it('emits a minified ESM bundle with its source map and the require() banner for every function', () => {
    for (const f of ALL_FUNCTIONS) {
      const { dir } = bundleOf(f.name);
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(
        bundle.startsWith("import { createRequire as __dieutraCreateRequire } from 'node:module';"),
      ).toBe(true);
      expect(bundle, f.name).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    }
  });

  it.each(ALL_FUNCTIONS.map((f) => f.name))('loads %s on Node 22 with only its own environment', (name) => {
    const { dir, variables } = bundleOf(name);
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
      if (typeof m.handler !== 'function') throw new Error('no handler export');`;
    const run = () =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'ap-southeast-1',
          AWS_LAMBDA_FUNCTION_NAME: name,
          // Nothing may call AWS while loading; never wait for instance-metadata credentials.
          AWS_EC2_METADATA_DISABLED: 'true',
          ...placeholderEnv(variables),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 20_000,
      });
    const loadError = (() => {
      try {
        run();
        return '';
      } catch (error) {
        const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
        return (
          stderr
            .split('\n')
            .findLast((line) => /Error\b/.test(line))
            ?.trim() ?? stderr
        );
      }
    })();
    expect(loadError, `${name} reads something its manifest does not declare`).toBe('');
  });

  it('answers an API Gateway v2 event from the bundled web-health handler', async () => {
    const mod = (await import(pathToFileURL(join(bundleOf('web-health').dir, 'index.mjs')).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }>;
    };
    const response = await mod.handler(
      {
        version: '2.0',
        routeKey: 'GET /api/health',
        rawPath: '/api/health',
        rawQueryString: '',
        headers: {},
        requestContext: { http: { method: 'GET', path: '/api/health' }, requestId: 'bundling-test' },
        isBase64Encoded: false,
      },
      { awsRequestId: 'bundling-test', functionName: 'web-health', getRemainingTimeInMillis: () => 10_000 },
    );
    expect(response.statusCode).toBe(200);
  });
});
