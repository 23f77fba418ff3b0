/**
 * The console in AWS (behaviour, not snapshots): a private bucket read only by the distribution
 * (OAC), one distribution serving /ops/* from S3 and the API paths from the HTTP API, the files and a
 * hosted-login config.json deployed by BucketDeployment, and a Cognito app client doing code + PKCE
 * whose id the API's JWT authorizer accepts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleFiles, ConsoleSite } from '../../infra/constructs/console-site.ts';
import { type SynthesizedApp, synthApp } from './synth-app.ts';
import { propsOf, resourcesOf } from './template-queries.ts';

let s: SynthesizedApp;
beforeAll(() => {
  s = synthApp();
});
afterAll(() => rmSync(s.app.outdir, { recursive: true, force: true }));

const one = (template: Template, type: string): Record<string, unknown> => {
  const found = resourcesOf(template, type);
  expect(found, type).toHaveLength(1);
  return propsOf(found[0]![1]);
};

interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  AllowedMethods?: string[];
  ResponseHeadersPolicyId?: unknown;
  FunctionAssociations?: unknown[];
  ViewerProtocolPolicy: string;
}
interface Origin {
  Id: string;
  DomainName: unknown;
  S3OriginConfig?: unknown;
  OriginAccessControlId?: unknown;
  CustomOriginConfig?: { OriginProtocolPolicy: string };
}

describe('console site (CDK)', () => {
  it('keeps the files in a private, encrypted bucket that only the distribution may read', () => {
    const t = s.statelessTemplate;
    const buckets = resourcesOf(t, 'AWS::S3::Bucket');
    const [bucketId, bucket] = buckets.find(([id]) => id.startsWith('ConsoleFiles'))!;
    expect(propsOf(bucket).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(propsOf(bucket).WebsiteConfiguration).toBeUndefined();
    const oac = one(t, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
    });
    const policies = resourcesOf(t, 'AWS::S3::BucketPolicy').filter(([, p]) =>
      JSON.stringify(propsOf(p).Bucket).includes(bucketId),
    );
    const statements = policies.flatMap(
      ([, p]) => (propsOf(p).PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    );
    const read = statements.find((st) => JSON.stringify(st.Principal).includes('cloudfront.amazonaws.com'));
    expect(read?.Effect).toBe('Allow');
    expect(read?.Action).toBe('s3:GetObject');
    // Only this distribution (AWS:SourceArn), never a public principal.
    expect(JSON.stringify(read?.Condition)).toContain('AWS:SourceArn');
    expect(statements.filter((st) => st.Effect === 'Allow' && st.Principal === '*')).toEqual([]);
  });

  it('serves /ops/* from S3 and /api/*, /f/* and / from the HTTP API on one origin', () => {
    const config = one(s.statelessTemplate, 'AWS::CloudFront::Distribution').DistributionConfig as {
      Origins: Origin[];
      DefaultCacheBehavior: Behavior;
      CacheBehaviors: Behavior[];
    };
    const s3 = config.Origins.find((o) => o.S3OriginConfig)!;
    const api = config.Origins.find((o) => o.CustomOriginConfig)!;
    expect(s3.OriginAccessControlId).toBeDefined();
    expect(api.CustomOriginConfig!.OriginProtocolPolicy).toBe('https-only');
    expect(JSON.stringify(api.DomainName)).toContain('execute-api');
    const byPath = Object.fromEntries(config.CacheBehaviors.map((b) => [b.PathPattern, b]));
    expect(byPath['/ops/*']!.TargetOriginId).toBe(s3.Id);
    expect(byPath['/ops/*']!.ResponseHeadersPolicyId).toBeDefined();
    expect(byPath['/ops/*']!.FunctionAssociations).toHaveLength(1);
    for (const path of ['/api/*', '/f/*']) {
      expect(byPath[path]!.TargetOriginId).toBe(api.Id);
      expect(byPath[path]!.AllowedMethods).toContain('POST');
    }
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(api.Id);
    for (const b of [config.DefaultCacheBehavior, ...config.CacheBehaviors])
      expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('sends a strict CSP (no inline script) and allows only the hosted login besides itself', () => {
    const policy = one(s.statelessTemplate, 'AWS::CloudFront::ResponseHeadersPolicy')
      .ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
    };
    const csp = JSON.stringify(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain('amazoncognito.com');
  });

  it('deploys the files and config.json under ops/ from the console stack and invalidates the page', () => {
    expect(s.console.stackName).toBe('dieutra-dev-console');
    // The stateless stack keeps only the manifests' functions; the deployment's Lambda lives here.
    expect(resourcesOf(s.statelessTemplate, 'Custom::CDKBucketDeployment')).toEqual([]);
    const deployments = resourcesOf(Template.fromStack(s.console), 'Custom::CDKBucketDeployment').map(
      ([, r]) => propsOf(r),
    );
    expect(deployments.length).toBe(2);
    for (const d of deployments) expect(d.DestinationBucketKeyPrefix).toBe('ops/');
    const page = deployments.find((d) => d.DistributionPaths)!;
    expect(page.DistributionPaths).toEqual(['/ops/index.html', '/ops/config.json']);
    // config.json's deploy-time values: the console client's id and the distribution's domain.
    const markers = JSON.stringify(page.SourceMarkers);
    const [clientId] = resourcesOf(s.statelessTemplate, 'AWS::Cognito::UserPoolClient')[0]!;
    const [distributionId] = resourcesOf(s.statelessTemplate, 'AWS::CloudFront::Distribution')[0]!;
    // Cross-stack: the values come from the stateless stack's exports.
    expect(markers).toContain(clientId);
    expect(markers).toContain(distributionId);
  });

  it('gives the console a Cognito app client with the code flow (PKCE, no secret) and a hosted domain', () => {
    const clients = resourcesOf(s.statelessTemplate, 'AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const [clientId, client] = clients[0]!;
    expect(propsOf(client)).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(JSON.stringify(propsOf(client).CallbackURLs)).toContain('/ops/callback');
    expect(resourcesOf(s.statelessTemplate, 'AWS::Cognito::UserPoolDomain')).toHaveLength(1);
    // The API's JWT authorizer accepts the console's ID tokens (aud = its client id).
    const authorizer = one(s.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer');
    expect(JSON.stringify((authorizer.JwtConfiguration as { Audience: unknown }).Audience)).toContain(
      clientId,
    );
  });

  it('synthesizes without a built console (placeholder page) and without a user pool', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'dieutra-console-cdk-')) });
    try {
      const stack = new Stack(app, 'ConsoleOnly');
      const api = new HttpApi(stack, 'Api');
      const site = new ConsoleSite(stack, 'Console', { stage: 'test', api });
      new ConsoleFiles(stack, 'Files', { site, distDir: join(tmpdir(), 'no-such-console-dist') });
      const t = Template.fromStack(stack);
      expect(resourcesOf(t, 'AWS::CloudFront::Distribution')).toHaveLength(1);
      expect(resourcesOf(t, 'AWS::Cognito::UserPoolClient')).toHaveLength(0);
      const csp = JSON.stringify(resourcesOf(t, 'AWS::CloudFront::ResponseHeadersPolicy')[0]![1]);
      expect(csp).not.toContain('amazoncognito.com');
      expect(resourcesOf(t, 'Custom::CDKBucketDeployment')).toHaveLength(2);
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});
