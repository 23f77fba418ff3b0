import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import {
  type BucketName,
  bucketEnvVar,
  type QueueName,
  queueEnvVar,
  type TableName,
  tableEnvVar,
} from '../../shared/platform/resources.ts';
import { REPO_ROOT, repoPath } from './paths.ts';

/** The stateful resources a function may be granted, by logical name. */
export interface PlatformResources {
  tables: Record<TableName, ITable>;
  queues: Record<QueueName, IQueue>;
  buckets: Record<BucketName, IBucket>;
  secret: ISecret;
  alarmTopic: ITopic;
}

export interface ServiceFunctionProps {
  manifest: FunctionManifest;
  stage: string;
  resources: PlatformResources;
  logRetention: RetentionDays;
}

const DEFAULT_MEMORY_MB = 512;
const DEFAULT_TIMEOUT_SECONDS = 10;

/**
 * esbuild's ESM output turns `require()` calls of bundled CommonJS dependencies into a shim that
 * needs a real `require`; Node's ESM scope has none, so define one.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __dieutraCreateRequire } from 'node:module'; const require = __dieutraCreateRequire(import.meta.url);";

/**
 * The house Lambda function: every function of a manifest gets the same runtime, bundling,
 * logging, tracing and error alarm, and exactly the access its manifest declares (nothing else).
 */
export class ServiceFunction extends NodejsFunction {
  readonly manifest: FunctionManifest;
  readonly errorAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const { manifest, resources } = props;
    const logGroup = new LogGroup(scope, `${id}-logs`, {
      retention: props.logRetention,
      // Logs are diagnostics, not records: they go with the function.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      description: manifest.description,
      entry: repoPath(manifest.entry),
      handler: manifest.handler ?? 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: manifest.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(manifest.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        DIEUTRA_STAGE: props.stage,
        POWERTOOLS_SERVICE_NAME: manifest.service,
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the runtime's copy changes under us, the bundled one is the one tested.
        externalModules: [],
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
    this.manifest = manifest;
    this.grantManifestAccess(resources);
    this.errorAlarm = new Alarm(this, 'Errors', {
      alarmDescription: `${manifest.name} threw or timed out`,
      metric: this.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorAlarm.addAlarmAction(new SnsAction(resources.alarmTopic));
  }

  /** Least privilege: one grant per declared table, queue, bucket and the secret; env vars to match. */
  private grantManifestAccess(resources: PlatformResources): void {
    const { tables, sendsTo, buckets, usesSecret } = this.manifest;
    for (const [name, access] of Object.entries(tables) as Array<[TableName, 'read' | 'readWrite']>) {
      const table = resources.tables[name];
      if (access === 'readWrite') table.grantReadWriteData(this);
      else table.grantReadData(this);
      this.addEnvironment(tableEnvVar(name), table.tableName);
    }
    for (const name of sendsTo) {
      const queue = resources.queues[name];
      queue.grantSendMessages(this);
      this.addEnvironment(queueEnvVar(name), queue.queueUrl);
    }
    for (const [name, access] of Object.entries(buckets) as Array<[BucketName, 'read' | 'readWrite']>) {
      const bucket = resources.buckets[name];
      if (access === 'readWrite') bucket.grantReadWrite(this);
      else bucket.grantRead(this);
      this.addEnvironment(bucketEnvVar(name), bucket.bucketName);
    }
    if (usesSecret) {
      resources.secret.grantRead(this);
      this.addEnvironment('DIEUTRA_SECRET_ARN', resources.secret.secretArn);
    }
    if (this.manifest.notifies) {
      // SMS goes straight to phone numbers (no topic ARN to name), e-mail through the SES identities.
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['sns:Publish', 'ses:SendEmail'], resources: ['*'] }),
      );
    }
  }
}
