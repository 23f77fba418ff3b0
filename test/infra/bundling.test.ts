import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServiceFunction } from '../../infra/constructs/service-function.ts';
import { StatefulStack } from '../../infra/stacks/stateful-stack.ts';
import { ALL_FUNCTIONS } from '../../services/manifests.ts';

/** Real esbuild bundling of one real handler, as `cdk synth` does it for all of them. */
describe('ServiceFunction bundling', () => {
  const manifest = ALL_FUNCTIONS.find((f) => f.name === 'web-health')!;
  let assetDir: string;

  beforeAll(() => {
    const outdir = mkdtempSync(join(tmpdir(), 'dieutra-bundle-'));
    const app = new App({ outdir });
    const stateful = new StatefulStack(app, 'stateful', { stage: 'test', createOpsIdentity: false });
    const stack = new Stack(app, 'bundled');
    new ServiceFunction(stack, manifest.name, {
      manifest,
      stage: 'test',
      resources: stateful.resources,
      logRetention: RetentionDays.ONE_DAY,
    });
    app.synth();
    const [[, fn]] = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as [
      [string, { Properties: { Code: { S3Key: string } } }],
    ];
    assetDir = join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
  });

  it('emits a minified ESM bundle with its source map and the require() banner', () => {
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import { createRequire as __dieutraCreateRequire } from 'node:module';")).toBe(true);
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
  });

  it('loads as an ES module on Node 22 and answers an API Gateway v2 event', async () => {
    const mod = (await import(pathToFileURL(join(assetDir, 'index.mjs')).href)) as {
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
    expect(typeof response.statusCode).toBe('number');
  });
});
