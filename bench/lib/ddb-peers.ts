/**
 * DynamoDB peers: what the same DynamoDB Local does for plain SDK calls, measured in the same run
 * as the system, through the same SDK stack the stores use (DocumentClient, same marshalling).
 *   (a) the BatchWriteItem ceiling: items/s for N items of a given shape at concurrency C;
 *   (b) conditional PutItem (attribute_not_exists) at concurrency C: calls/s, p50, p99.
 * Both write into a peer table of their own (a copy of a service table's keys and indexes), never
 * into a service's table.
 */
import { Agent } from 'node:http';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';

type Item = Record<string, unknown>;

/** A DocumentClient as the stores build theirs (5 attempts, same marshalling), sized for `sockets`. */
export const peerClient = (endpoint: string, sockets = 64): DynamoDBDocumentClient => {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?/.test(endpoint))
    throw new Error(`loopback only: ${endpoint}`);
  const base = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 5,
    // The SDK's default agent allows 50 sockets; the peer must never queue behind its own agent.
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }) },
  });
  return DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
};

export interface PeerTable {
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty table on `endpoint` with the key schema and global indexes of `like` (a
 * physical table name), or plain `pk`/`sk` strings with `gsi1` when `like` is absent.
 */
export const createPeerTable = async (endpoint: string, options: { like?: string; prefix?: string } = {}) => {
  const client = peerClient(endpoint, 4);
  const name = `${options.prefix ?? 'bench-peer'}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  let input: CreateTableCommandInput;
  if (options.like) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: options.like }));
    if (!Table) throw new Error(`peer table: ${options.like} not found`);
    input = {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: Table.KeySchema,
      AttributeDefinitions: Table.AttributeDefinitions,
      ...(Table.GlobalSecondaryIndexes?.length
        ? {
            GlobalSecondaryIndexes: Table.GlobalSecondaryIndexes.map((g) => ({
              IndexName: g.IndexName,
              KeySchema: g.KeySchema,
              Projection: g.Projection,
            })),
          }
        : {}),
    };
  } else {
    input = {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({
        AttributeName,
        AttributeType: 'S',
      })),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    };
  }
  await client.send(new CreateTableCommand(input));
  return {
    name,
    async drop() {
      try {
        await client.send(new DeleteTableCommand({ TableName: name }));
      } finally {
        client.destroy();
      }
    },
  } satisfies PeerTable;
};

/**
 * Item number `i` from the sample: `#i` is appended to each of `keys` that the sample has as a
 * string, so items never collide while partitions stay as in the sample (a dossier's `pk` is its
 * round's, shared; a submission's `pk` is its token's, vary it too).
 */
export const varyKeys = (sample: Item, i: number, keys: readonly string[] = ['sk', 'gsi1sk']): Item => {
  const item: Item = { ...sample };
  for (const key of keys) {
    if (typeof item[key] === 'string') item[key] = `${item[key]}#${i}`;
  }
  if (typeof item.pk !== 'string') item.pk = 'BENCH';
  if (typeof item.sk !== 'string') item.sk = `ITEM#${i}`;
  return item;
};

/**
 * One item of a table (any), to use as the shape of the peer's items; null when it is empty. With a
 * `filter` the first 2,000 items are scanned; `{ pk, skPrefix }` reads the first item of that range.
 */
export const sampleItem = async (
  endpoint: string,
  table: string,
  filter?: ((item: Item) => boolean) | { pk: string; skPrefix: string },
): Promise<Item | null> => {
  const db = peerClient(endpoint, 2);
  try {
    if (filter && typeof filter !== 'function') {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': filter.pk, ':sk': filter.skPrefix },
          Limit: 1,
        }),
      );
      return out.Items?.[0] ?? null;
    }
    let startKey: Item | undefined;
    // Bounded: at most 20 pages of 100 items.
    for (let page = 0; page < 20; page++) {
      const out = await db.send(
        new ScanCommand({ TableName: table, Limit: 100, ExclusiveStartKey: startKey }),
      );
      const found = (out.Items ?? []).find((item) => filter?.(item) ?? true);
      if (found) return found;
      startKey = out.LastEvaluatedKey;
      if (!startKey) return null;
    }
    return null;
  } finally {
    db.destroy();
  }
};

const percentile = (sorted: Float64Array | number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export interface BatchWriteCeilingOptions {
  endpoint: string;
  table: string;
  /**
   * The shapes to write (e.g. a stored dossier item and a stored person item read back): item `i`
   * is `vary(samples[i % n], ⌊i / n⌋)`, so a path that writes n items per row is matched row for row.
   */
  samples: readonly Item[];
  items: number;
  /** BatchWriteItem calls in flight. */
  concurrency: number;
  /** Item number `i` (default: `varyKeys`). */
  vary?: (sample: Item, i: number) => Item;
  /** Stops taking new batches after this long (default 300 s); the result says so. */
  maxSeconds?: number;
}

export interface BatchWriteCeilingResult {
  items: number;
  ms: number;
  itemsPerSec: number;
  batches: number;
  /** BatchWriteItem calls that had to resend UnprocessedItems. */
  retries: number;
  p50BatchMs: number;
  p99BatchMs: number;
  cutShort: boolean;
}

/** (a) the plain BatchWriteItem ceiling: 25 items a call, UnprocessedItems resent with backoff. */
export const batchWriteCeiling = async (o: BatchWriteCeilingOptions): Promise<BatchWriteCeilingResult> => {
  if (o.samples.length === 0) throw new Error('batchWriteCeiling: no sample item');
  const db = peerClient(o.endpoint, Math.max(64, o.concurrency));
  const vary = o.vary ?? varyKeys;
  const deadline = Date.now() + (o.maxSeconds ?? 300) * 1000;
  const latencies: number[] = [];
  let next = 0;
  let written = 0;
  let retries = 0;
  let cutShort = false;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        for (;;) {
          if (Date.now() > deadline) {
            cutShort = true;
            return;
          }
          const start = next;
          if (start >= o.items) return;
          next = Math.min(o.items, start + 25);
          let pending: Item[] = [];
          const n = o.samples.length;
          for (let i = start; i < next; i++) {
            pending.push({ PutRequest: { Item: vary(o.samples[i % n]!, Math.floor(i / n)) } });
          }
          const count = pending.length;
          const t = performance.now();
          for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt > 10) throw new Error('DynamoDB Local kept returning UnprocessedItems');
            if (attempt > 0) {
              retries++;
              await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
            }
            const out = await db.send(new BatchWriteCommand({ RequestItems: { [o.table]: pending } }));
            pending = (out.UnprocessedItems?.[o.table] ?? []) as Item[];
          }
          latencies.push(performance.now() - t);
          written += count;
        }
      }),
    );
  } finally {
    db.destroy();
  }
  const ms = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  return {
    items: written,
    ms,
    itemsPerSec: written / (ms / 1000),
    batches: latencies.length,
    retries,
    p50BatchMs: percentile(latencies, 50),
    p99BatchMs: percentile(latencies, 99),
    cutShort,
  };
};

export interface ConditionalPutOptions {
  endpoint: string;
  table: string;
  sample: Item;
  concurrency: number;
  /** Stop after this many calls … */
  calls?: number;
  /** … or after this many seconds, whichever comes first (default 10 s when `calls` is absent). */
  seconds?: number;
  vary?: (sample: Item, i: number) => Item;
  /** Before each put, one GetItem of `key(i)` in `table` (eventually consistent, as a lookup is). */
  readFirst?: { table: string; key: (i: number) => Item };
}

export interface ConditionalPutResult {
  calls: number;
  ms: number;
  callsPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Calls refused by the condition (0 unless keys collide). */
  conditionFailures: number;
  errors: number;
}

/**
 * (b) plain conditional PutItem, one item per call, `concurrency` callers in a closed loop; with
 * `readFirst`, each call is a GetItem and then the put (the engine work of a lookup-then-write path).
 */
export const conditionalPutPeer = async (o: ConditionalPutOptions): Promise<ConditionalPutResult> => {
  if (!o.calls && !o.seconds) o = { ...o, seconds: 10 };
  const db = peerClient(o.endpoint, Math.max(64, o.concurrency));
  const vary = o.vary ?? varyKeys;
  const maxCalls = o.calls ?? Number.MAX_SAFE_INTEGER;
  const deadline = o.seconds ? Date.now() + o.seconds * 1000 : Date.now() + 600_000;
  const latencies: number[] = [];
  let next = 0;
  let conditionFailures = 0;
  let errors = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (next < maxCalls && Date.now() < deadline) {
          const i = next++;
          const t = performance.now();
          try {
            if (o.readFirst) {
              await db.send(new GetCommand({ TableName: o.readFirst.table, Key: o.readFirst.key(i) }));
            }
            await db.send(
              new PutCommand({
                TableName: o.table,
                Item: vary(o.sample, i),
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
          } catch (error) {
            if ((error as Error).name === 'ConditionalCheckFailedException') conditionFailures++;
            else errors++;
          }
          latencies.push(performance.now() - t);
        }
      }),
    );
  } finally {
    db.destroy();
  }
  const ms = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    ms,
    callsPerSec: latencies.length / (ms / 1000),
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    conditionFailures,
    errors,
  };
};
