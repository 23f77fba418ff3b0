import { rmSync } from 'node:fs';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FUNCTIONS } from '../../services/manifests.ts';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import {
  BUCKET_NOTIFICATIONS,
  QUEUE_NAMES,
  QUEUES,
  queueEnvVar,
  TABLE_NAMES,
  TABLES,
  tableEnvVar,
} from '../../shared/platform/resources.ts';
import { type SynthesizedApp, synthApp } from './synth-app.ts';
import {
  actionsOf,
  allStatements,
  mentions,
  type PolicyStatement,
  propsOf,
  resourcesOf,
  roleStatements,
} from './template-queries.ts';

let s: SynthesizedApp;

beforeAll(() => {
  s = synthApp();
});
afterAll(() => rmSync(s.app.outdir, { recursive: true, force: true }));

const logicalId = (stack: Stack, construct: IConstruct): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

const fnLogicalId = (name: string): string => {
  const fn = s.stateless.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return logicalId(s.stateless, fn);
};

const fnProps = (name: string): Record<string, unknown> =>
  propsOf(s.statelessTemplate.toJSON().Resources[fnLogicalId(name)]);

const fnEnv = (name: string): Record<string, unknown> =>
  (fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables;

const fnStatements = (name: string) => {
  const fn = s.stateless.functions.get(name)!;
  return roleStatements(s.statelessTemplate, logicalId(s.stateless, fn.role!));
};

const byTrigger = <K extends FunctionManifest['trigger']['kind']>(kind: K) =>
  ALL_FUNCTIONS.filter((f) => f.trigger.kind === kind) as Array<
    FunctionManifest & { trigger: Extract<FunctionManifest['trigger'], { kind: K }> }
  >;

describe('app', () => {
  it('names the stacks by stage and stays environment-agnostic (synth needs no account)', () => {
    expect(s.stateful.stackName).toBe('dieutra-dev-stateful');
    expect(s.stateless.stackName).toBe('dieutra-dev-stateless');
    expect(s.stateful.environment).toBe('aws://unknown-account/unknown-region');
    expect(s.stateless.dependencies).toContain(s.stateful);
  });
});

describe('functions', () => {
  it('builds one Lambda function per manifest entry and no others', () => {
    expect(resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')).toHaveLength(ALL_FUNCTIONS.length);
    // The stateful stack holds only CDK's own handler that configures S3 event notifications.
    expect(
      resourcesOf(s.statefulTemplate, 'AWS::Lambda::Function').filter(
        ([id]) => !id.startsWith('BucketNotificationsHandler'),
      ),
    ).toHaveLength(0);
  });

  it('runs every function on Node.js 22, arm64, JSON logs, active tracing, source maps', () => {
    for (const [, fn] of resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')) {
      const p = propsOf(fn);
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
      expect((p.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        DIEUTRA_STAGE: 'dev',
      });
    }
  });

  it('gives every function an error alarm', () => {
    const alarms = resourcesOf(s.statelessTemplate, 'AWS::CloudWatch::Alarm').map(([, a]) => propsOf(a));
    for (const f of ALL_FUNCTIONS) {
      const id = fnLogicalId(f.name);
      const alarm = alarms.find((a) => a.MetricName === 'Errors' && mentions(a.Dimensions, id));
      expect(alarm, f.name).toBeDefined();
      expect(alarm?.AlarmActions).toHaveLength(1);
    }
  });

  it('passes each declared table, queue and the secret through its env var, and nothing undeclared', () => {
    for (const f of ALL_FUNCTIONS) {
      const env = fnEnv(f.name);
      for (const table of TABLE_NAMES)
        expect(tableEnvVar(table) in env, `${f.name} ${table}`).toBe(table in f.tables);
      for (const queue of QUEUE_NAMES) expect(queueEnvVar(queue) in env).toBe(f.sendsTo.includes(queue));
      expect('DIEUTRA_SECRET_ARN' in env, f.name).toBe(f.usesSecret);
    }
  });
});

describe('least privilege', () => {
  it('has no IAM statement allowing `*` or `service:*`', () => {
    const wildcard = /^(\*|[a-z0-9-]+:\*)$/;
    const offenders = [s.statefulTemplate, s.statelessTemplate]
      .flatMap(allStatements)
      // Resource policies from `enforceSSL` deny `sqs:*` / `s3:*` without TLS: a deny is not a grant.
      .filter(({ statement }) => statement.Effect === 'Allow')
      .filter(({ statement }) => actionsOf(statement).some((a) => wildcard.test(a)));
    expect(offenders).toEqual([]);
  });

  it('grants write access to a table only where the manifest says readWrite', () => {
    const writes = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    for (const f of ALL_FUNCTIONS) {
      const statements = fnStatements(f.name);
      for (const table of TABLE_NAMES) {
        const tableId = logicalId(s.stateful, s.stateful.resources.tables[table]);
        const onTable = statements.filter((st) => mentions(st.Resource, tableId)).flatMap(actionsOf);
        const declared = f.tables[table];
        expect(onTable.includes('dynamodb:GetItem'), `${f.name} reads ${table}`).toBe(declared !== undefined);
        expect(
          writes.some((w) => onTable.includes(w)),
          `${f.name} writes ${table}`,
        ).toBe(declared === 'readWrite');
      }
    }
  });

  it('lets only secret users read the secret, and only declared producers send to a queue', () => {
    const secretId = logicalId(s.stateful, s.stateful.resources.secret);
    for (const f of ALL_FUNCTIONS) {
      const statements = fnStatements(f.name);
      const readsSecret = statements.some(
        (st) => mentions(st.Resource, secretId) && actionsOf(st).includes('secretsmanager:GetSecretValue'),
      );
      expect(readsSecret, f.name).toBe(f.usesSecret);
      for (const queue of QUEUE_NAMES) {
        const queueId = logicalId(s.stateful, s.stateful.resources.queues[queue]);
        const sends = statements.some(
          (st) => mentions(st.Resource, queueId) && actionsOf(st).includes('sqs:SendMessage'),
        );
        expect(sends, `${f.name} → ${queue}`).toBe(f.sendsTo.includes(queue));
      }
    }
  });
});

describe('tables', () => {
  it('creates every table on demand with PITR, SSE, TTL, GSIs, deletion protection, retained', () => {
    const tables = resourcesOf(s.statefulTemplate, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(TABLE_NAMES.length);
    for (const name of TABLE_NAMES) {
      const def = TABLES[name];
      const id = logicalId(s.stateful, s.stateful.resources.tables[name]);
      const table = s.statefulTemplate.toJSON().Resources[id];
      expect(table.DeletionPolicy).toBe('Retain');
      const p = propsOf(table);
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p.SSESpecification).toMatchObject({ SSEEnabled: true });
      expect(p.DeletionProtectionEnabled).toBe(true);
      expect(p.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      const indexes = (p.GlobalSecondaryIndexes as Array<{ IndexName: string }> | undefined) ?? [];
      expect(indexes.map((i) => i.IndexName)).toEqual(def.indexes.map((i) => i.name));
      expect(p.TimeToLiveSpecification).toEqual(
        def.ttlAttribute ? { AttributeName: def.ttlAttribute, Enabled: true } : undefined,
      );
    }
  });
});

describe('queues', () => {
  const queueProps = () => resourcesOf(s.statefulTemplate, 'AWS::SQS::Queue');
  const dlqIds = () =>
    queueProps().flatMap(([, q]) => {
      const target = (propsOf(q).RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': [string] } })
        ?.deadLetterTargetArn;
      return target ? [target['Fn::GetAtt'][0]] : [];
    });

  it('gives every work queue a redrive policy to its own DLQ with the manifest receive count', () => {
    const ids = dlqIds();
    const workQueues = queueProps().filter(([id]) => !ids.includes(id));
    expect(workQueues).toHaveLength(QUEUE_NAMES.length);
    for (const name of QUEUE_NAMES) {
      const q =
        s.statefulTemplate.toJSON().Resources[logicalId(s.stateful, s.stateful.resources.queues[name])];
      expect(propsOf(q).RedrivePolicy).toMatchObject({ maxReceiveCount: QUEUES[name].maxReceiveCount });
      expect(propsOf(q).VisibilityTimeout).toBe(QUEUES[name].visibilityTimeoutSeconds);
    }
    expect(new Set(ids).size).toBe(QUEUE_NAMES.length);
  });

  it('keeps DLQ messages 14 days and alarms on every DLQ', () => {
    const alarms = resourcesOf(s.statefulTemplate, 'AWS::CloudWatch::Alarm').map(([, a]) => propsOf(a));
    for (const id of dlqIds()) {
      expect(propsOf(s.statefulTemplate.toJSON().Resources[id]).MessageRetentionPeriod).toBe(14 * 24 * 3600);
      const alarm = alarms.find(
        (a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && mentions(a.Dimensions, id),
      );
      expect(alarm, id).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('encrypts every queue and refuses plain HTTP', () => {
    for (const [, q] of queueProps()) expect(propsOf(q).SqsManagedSseEnabled).toBe(true);
    const denies = resourcesOf(s.statefulTemplate, 'AWS::SQS::QueuePolicy').filter(([, p]) =>
      mentions(propsOf(p).PolicyDocument, '"aws:SecureTransport":"false"'),
    );
    expect(denies).toHaveLength(QUEUE_NAMES.length * 2);
  });

  it('connects every queue consumer with its batch size and ReportBatchItemFailures', () => {
    const mappings = resourcesOf(s.statelessTemplate, 'AWS::Lambda::EventSourceMapping').map(([, m]) =>
      propsOf(m),
    );
    const consumers = byTrigger('queue');
    expect(mappings).toHaveLength(consumers.length);
    for (const f of consumers) {
      const queueId = logicalId(s.stateful, s.stateful.resources.queues[f.trigger.queue]);
      const mapping = mappings.find((m) => mentions(m.FunctionName, fnLogicalId(f.name)));
      expect(mapping, f.name).toMatchObject({
        BatchSize: f.trigger.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(mentions(mapping?.EventSourceArn, queueId)).toBe(true);
    }
  });

  it('keeps each queue visibility timeout at least 6 × its consumer timeout (AWS guidance)', () => {
    for (const f of byTrigger('queue')) {
      expect(QUEUES[f.trigger.queue].visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
        6 * (fnProps(f.name).Timeout as number),
      );
    }
  });
});

describe('uploads bucket and secret', () => {
  it('blocks public access, encrypts, expires raw uploads and denies plain HTTP', () => {
    s.statefulTemplate.resourceCountIs('AWS::S3::Bucket', 1);
    s.statefulTemplate.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: Match.objectLike({
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        }),
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })]),
        },
      }),
    });
    s.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });

  it('sends every "object created" event under each notification prefix to its queue, and only S3 of that bucket may', () => {
    const bucketId = logicalId(s.stateful, s.stateful.resources.buckets.uploads);
    const notifications = resourcesOf(s.statefulTemplate, 'Custom::S3BucketNotifications').map(([, r]) =>
      propsOf(r),
    );
    expect(notifications).toHaveLength(1);
    expect(mentions(notifications[0]?.BucketName, bucketId)).toBe(true);
    const configs = (
      notifications[0]!.NotificationConfiguration as {
        QueueConfigurations: Array<{ Events: string[]; QueueArn: unknown; Filter: unknown }>;
      }
    ).QueueConfigurations;
    expect(configs).toHaveLength(BUCKET_NOTIFICATIONS.length);
    for (const n of BUCKET_NOTIFICATIONS) {
      const queueId = logicalId(s.stateful, s.stateful.resources.queues[n.queue]);
      const config = configs.find((c) => mentions(c.QueueArn, queueId));
      expect(config, n.queue).toBeDefined();
      expect(config?.Events).toEqual(['s3:ObjectCreated:*']);
      expect(config?.Filter).toEqual({ Key: { FilterRules: [{ Name: 'prefix', Value: n.prefix }] } });
      const allowsS3 = resourcesOf(s.statefulTemplate, 'AWS::SQS::QueuePolicy')
        .map(([, p]) => propsOf(p))
        .filter((p) => mentions(p.Queues, queueId))
        .flatMap((p) => (p.PolicyDocument as { Statement: PolicyStatement[] }).Statement)
        .find(
          (st) =>
            st.Effect === 'Allow' &&
            mentions((st as unknown as Record<string, unknown>).Principal, 's3.amazonaws.com') &&
            actionsOf(st).includes('sqs:SendMessage'),
        );
      expect(allowsS3, n.queue).toBeDefined();
      expect(mentions((allowsS3 as unknown as Record<string, unknown>)?.Condition, bucketId)).toBe(true);
    }
  });

  it('lets the API sign uploads (PutObject) and the parser read them (GetObject), no one else', () => {
    const bucketId = logicalId(s.stateful, s.stateful.resources.buckets.uploads);
    for (const f of ALL_FUNCTIONS) {
      const onBucket = fnStatements(f.name)
        .filter((st) => mentions(st.Resource, bucketId))
        .flatMap(actionsOf);
      const access = f.buckets.uploads;
      // CDK grants `s3:GetObject*` (GetObject, GetObjectVersion …) and `s3:PutObject`.
      const reads = onBucket.some((a) => a === 's3:GetObject' || a === 's3:GetObject*');
      expect(reads, `${f.name} reads uploads`).toBe(access !== undefined);
      expect(onBucket.includes('s3:PutObject'), `${f.name} writes uploads`).toBe(access === 'readWrite');
    }
    expect(ALL_FUNCTIONS.find((f) => f.name === 'roster-intake-parse')?.buckets.uploads).toBe('read');
    expect(ALL_FUNCTIONS.find((f) => f.name === 'roster-intake-api')?.buckets.uploads).toBe('readWrite');
  });

  it('generates the master secret and retains it', () => {
    s.statefulTemplate.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
      }),
    });
  });
});

describe('HTTP API', () => {
  const routes = () =>
    resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Route').map(([, r]) => propsOf(r));
  const jwtAuthorizerId = () => {
    const authorizers = resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    return authorizers[0]![0];
  };

  it('has exactly the manifest routes, each integrated with its own function', () => {
    const integrations = s.statelessTemplate.toJSON().Resources;
    const httpFunctions = byTrigger('http');
    const fallbacks = httpFunctions.filter((f) => f.trigger.fallback);
    expect(routes()).toHaveLength(httpFunctions.flatMap((f) => f.trigger.routes).length + fallbacks.length);
    for (const f of httpFunctions) {
      for (const route of f.trigger.routes) {
        const found = routes().find((r) => r.RouteKey === `${route.method} ${route.path}`);
        expect(found, `${route.method} ${route.path}`).toBeDefined();
        const integrationId = JSON.stringify(found?.Target).match(/"Ref":"([A-Za-z0-9]+)"/)?.[1] ?? '';
        expect(mentions(propsOf(integrations[integrationId]).IntegrationUri, fnLogicalId(f.name))).toBe(true);
      }
    }
  });

  it('sends unmatched requests ($default) to the fallback function, without an authorizer', () => {
    const [fallback] = byTrigger('http').filter((f) => f.trigger.fallback);
    expect(fallback?.name).toBe('web-fallback');
    const route = routes().find((r) => r.RouteKey === '$default');
    expect(route).toBeDefined();
    expect(route?.AuthorizationType ?? 'NONE').toBe('NONE');
    const integrationId = JSON.stringify(route?.Target).match(/"Ref":"([A-Za-z0-9]+)"/)?.[1] ?? '';
    const integrations = s.statelessTemplate.toJSON().Resources;
    expect(mentions(propsOf(integrations[integrationId]).IntegrationUri, fnLogicalId('web-fallback'))).toBe(
      true,
    );
  });

  it('puts the JWT authorizer on every ops route and none on public routes', () => {
    const authorizer = jwtAuthorizerId();
    for (const f of byTrigger('http')) {
      for (const route of f.trigger.routes) {
        const found = routes().find((r) => r.RouteKey === `${route.method} ${route.path}`)!;
        if (f.trigger.auth === 'ops') {
          expect(found.AuthorizationType, route.path).toBe('JWT');
          expect(found.AuthorizerId).toEqual({ Ref: authorizer });
        } else {
          expect(found.AuthorizationType ?? 'NONE', route.path).toBe('NONE');
          expect(found.AuthorizerId).toBeUndefined();
        }
      }
    }
  });

  it('validates ops JWTs against the Cognito pool when no external issuer is configured', () => {
    s.statefulTemplate.resourceCountIs('AWS::Cognito::UserPool', 1);
    const authorizer = propsOf(s.statelessTemplate.toJSON().Resources[jwtAuthorizerId()]);
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(JSON.stringify(authorizer.JwtConfiguration)).toContain('ProviderURL');
  });

  it('throttles the default stage and outputs the API URL', () => {
    s.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(Object.keys(s.statelessTemplate.toJSON().Outputs)).toContain('ApiUrl');
  });
});

describe('schedules', () => {
  it('invokes each scheduled function with its payload, in UTC, through a role limited to it', () => {
    const schedules = resourcesOf(s.statelessTemplate, 'AWS::Scheduler::Schedule').map(([, r]) => propsOf(r));
    const scheduled = byTrigger('schedule');
    expect(scheduled.length).toBeGreaterThan(0);
    expect(schedules).toHaveLength(scheduled.length);
    for (const f of scheduled) {
      const fnId = fnLogicalId(f.name);
      const schedule = schedules.find((sc) => mentions((sc.Target as { Arn: unknown }).Arn, fnId));
      expect(schedule, f.name).toMatchObject({
        ScheduleExpression: f.trigger.expression,
        ScheduleExpressionTimezone: 'Etc/UTC',
        State: 'ENABLED',
      });
      const target = schedule?.Target as { Input?: string; RoleArn: { 'Fn::GetAtt': [string] } };
      expect(target.Input === undefined ? undefined : JSON.parse(target.Input)).toEqual(f.trigger.payload);
      const statements = roleStatements(s.statelessTemplate, target.RoleArn['Fn::GetAtt'][0]);
      expect(statements.flatMap(actionsOf)).toEqual(['lambda:InvokeFunction']);
      expect(statements.every((st) => mentions(st.Resource, fnId))).toBe(true);
    }
  });
});
