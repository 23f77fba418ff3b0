/**
 * Creates the tables, queues (with DLQs) and buckets of shared/platform/resources.ts in the local
 * engines when they are missing — idempotent, so a restart on a persisted data folder is a no-op.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  BUCKET_NAMES,
  type BucketName,
  dlqName,
  QUEUES,
  type QueueDef,
  type QueueName,
  TABLES,
  type TableDef,
  type TableName,
} from '../../shared/platform/resources.ts';

/** Physical names used locally (DynamoDB wants ≥ 3 characters; the prefix also keeps dumps readable). */
export const localTableName = (name: TableName): string => `dieutra-local-${name}`;
export const localBucketName = (name: BucketName): string => `dieutra-local-${name}`;

/** 14 days, the SQS maximum, like the DLQs in AWS. */
const DLQ_RETENTION_SECONDS = 1_209_600;

const gsiOf = (index: TableDef['indexes'][number]): GlobalSecondaryIndex => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' },
    { AttributeName: index.sortKey, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'ALL' },
});

const attributeDefinitions = (def: TableDef): AttributeDefinition[] => {
  const names = new Set<string>([def.partitionKey, def.sortKey]);
  for (const index of def.indexes) {
    names.add(index.partitionKey);
    names.add(index.sortKey);
  }
  return [...names].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
};

const listAllTables = async (ddb: DynamoDBClient): Promise<Set<string>> => {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await ddb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) names.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
};

export const ensureTables = async (
  ddb: DynamoDBClient,
  tables: readonly TableDef[] = Object.values(TABLES),
) => {
  const existing = await listAllTables(ddb);
  const created: string[] = [];
  for (const def of tables) {
    const TableName = localTableName(def.name);
    if (!existing.has(TableName)) {
      await ddb.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributeDefinitions(def),
          KeySchema: [
            { AttributeName: def.partitionKey, KeyType: 'HASH' },
            { AttributeName: def.sortKey, KeyType: 'RANGE' },
          ],
          ...(def.indexes.length > 0 ? { GlobalSecondaryIndexes: def.indexes.map(gsiOf) } : {}),
        }),
      );
      created.push(TableName);
    } else {
      // A persisted table from an older definition: add the indexes declared since.
      const described = await ddb.send(new DescribeTableCommand({ TableName }));
      const have = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
      for (const index of def.indexes.filter((i) => !have.has(i.name))) {
        await ddb.send(
          new UpdateTableCommand({
            TableName,
            AttributeDefinitions: attributeDefinitions(def),
            GlobalSecondaryIndexUpdates: [{ Create: gsiOf(index) }],
          }),
        );
      }
    }
    if (def.ttlAttribute && !existing.has(TableName)) {
      await ddb.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
  return { created };
};

export interface LocalQueue {
  name: QueueName;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

const queueArn = async (sqs: SQSClient, url: string): Promise<string> => {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  return arn;
};

/** Creates the queue or brings an existing one's attributes up to date; returns its URL. */
const upsertQueue = async (sqs: SQSClient, QueueName: string, Attributes: Record<string, string>) => {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName }));
    if (!QueueUrl) throw new Error(`no URL for queue ${QueueName}`);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes }));
    return QueueUrl;
  } catch (error) {
    if (!(error instanceof QueueDoesNotExist)) throw error;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes }));
    if (!QueueUrl) throw new Error(`no URL for queue ${QueueName}`);
    return QueueUrl;
  }
};

/**
 * fauxqs persists queue URLs with the port of the run that created them; point them at this run's
 * port so the URLs handed to handlers and tools are live.
 */
export const withCurrentPort = (queueUrl: string, endpoint: string): string => {
  const url = new URL(queueUrl);
  url.port = new URL(endpoint).port;
  return url.href;
};

export const ensureQueues = async (
  sqs: SQSClient,
  endpoint: string,
  queues: readonly QueueDef[] = Object.values(QUEUES),
): Promise<Record<QueueName, LocalQueue>> => {
  const result: Partial<Record<QueueName, LocalQueue>> = {};
  for (const def of queues) {
    const dlqUrl = withCurrentPort(
      await upsertQueue(sqs, dlqName(def.name), { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) }),
      endpoint,
    );
    const dlqArn = await queueArn(sqs, dlqUrl);
    const url = withCurrentPort(
      await upsertQueue(sqs, def.name, {
        VisibilityTimeout: String(def.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
      }),
      endpoint,
    );
    result[def.name] = { name: def.name, url, arn: await queueArn(sqs, url), dlqUrl, dlqArn };
  }
  return result as Record<QueueName, LocalQueue>;
};

export const ensureBuckets = async (s3: S3Client, buckets: readonly BucketName[] = BUCKET_NAMES) => {
  for (const name of buckets) {
    const Bucket = localBucketName(name);
    try {
      await s3.send(new HeadBucketCommand({ Bucket }));
    } catch {
      await s3.send(new CreateBucketCommand({ Bucket }));
    }
  }
};
