import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../infra/config.ts';
import { type SynthesizedApp, synthApp } from './synth-app.ts';
import { propsOf, resourcesOf } from './template-queries.ts';

const fromContext = (context: Record<string, unknown>) => () => loadConfig((key) => context[key]);

describe('context validation', () => {
  it('accepts a stage alone, with defaults', () => {
    expect(fromContext({ stage: 'dev' })()).toMatchObject({
      stage: 'dev',
      apiRateLimit: 50,
      logRetentionDays: 30,
    });
  });

  it.each([
    [{}, /stage/],
    [{ stage: 'Prod' }, /stage/],
    [{ stage: 'dev', jwtIssuer: 'https://idp.example.vn' }, /jwtIssuer and jwtAudience/],
    [{ stage: 'dev', jwtIssuer: 'http://idp.example.vn', jwtAudience: 'x' }, /jwtIssuer/],
    [{ stage: 'dev', logRetentionDays: '10' }, /logRetentionDays/],
  ])('rejects %j', (context, message) => {
    expect(fromContext(context)).toThrow(ConfigError);
    expect(fromContext(context)).toThrow(message);
  });

  it('reads -c strings: comma lists and numbers', () => {
    const config = fromContext({
      stage: 'prod',
      jwtIssuer: 'https://idp.example.vn/realms/snv',
      jwtAudience: 'ops-web, ops-cli',
      apiRateLimit: '200',
    })();
    expect(config.jwtAudience).toEqual(['ops-web', 'ops-cli']);
    expect(config.apiRateLimit).toBe(200);
  });
});

describe('with an external JWT issuer', () => {
  let s: SynthesizedApp;
  beforeAll(() => {
    s = synthApp({
      context: { stage: 'prod', jwtIssuer: 'https://idp.example.vn/realms/snv', jwtAudience: 'ops-web' },
    });
  });
  afterAll(() => rmSync(s.app.outdir, { recursive: true, force: true }));

  it('uses the configured issuer and audience and creates no user pool', () => {
    expect(s.stateful.stackName).toBe('dieutra-prod-stateful');
    expect(s.stateful.terminationProtection).toBe(true);
    s.statefulTemplate.resourceCountIs('AWS::Cognito::UserPool', 0);
    const authorizers = resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(propsOf(authorizers[0]![1]).JwtConfiguration).toEqual({
      Issuer: 'https://idp.example.vn/realms/snv',
      Audience: ['ops-web'],
    });
  });
});
