/** DynamoDB helpers shared by the stores: exactly-once puts, paging, batch reads and writes with retries. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from './clients.ts';
import { ValidationError } from './errors.ts';

type Item = Record<string, unknown>;

/**
 * Writes `item` unless an item with its key exists: the exactly-once write every store uses.
 * Returns false when the key was taken; any other failure propagates.
 */
export const putIfAbsent = async (table: string, item: Item): Promise<boolean> => {
  try {
    await dynamo().send(
      new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/** Every page of a query (no scans in request paths: callers always give a key condition). */
export const queryAll = async (input: QueryCommandInput): Promise<Item[]> => {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
};

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  cursor?: string;
}

const encodeCursor = (key: Item | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;

const decodeCursor = (cursor: string | undefined): Item | undefined => {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Item;
  } catch {
    // fall through to the 400 below
  }
  throw new ValidationError('Tham số cursor không hợp lệ.', undefined, 'INVALID_CURSOR');
};

/** One page of a query (`limit` items at most) and the cursor of the next page. */
export const queryPage = async (
  input: QueryCommandInput,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Item>> => {
  const out = await dynamo().send(
    new QueryCommand({ ...input, Limit: page.limit, ExclusiveStartKey: decodeCursor(page.cursor) }),
  );
  const cursor = encodeCursor(out.LastEvaluatedKey);
  return cursor ? { items: out.Items ?? [], cursor } : { items: out.Items ?? [] };
};

/** The items under one partition key whose sort key starts with `prefix`. */
export const queryPrefix = (table: string, pk: string, prefix: string): Promise<Item[]> =>
  queryAll({
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
  });

/** Puts in groups of 25 (the BatchWriteItem limit), retrying unprocessed items with backoff. */
export const batchPutAll = async (table: string, items: Item[]): Promise<void> => {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Item[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed items');
      // Full jitter: parallel writers throttled together do not retry in lockstep.
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));
      const out = await dynamo().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as Item[];
    }
  }
};

/** Deletes by key in groups of 25, retrying unprocessed requests with backoff. */
export const batchDeleteAll = async (table: string, keys: Item[]): Promise<void> => {
  for (let i = 0; i < keys.length; i += 25) {
    let pending: Item[] = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed items');
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));
      const out = await dynamo().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as Item[];
    }
  }
};

/** Gets items by key, 100 per call (the BatchGetItem limit), retrying unprocessed keys with backoff. */
export const batchGetAll = async (table: string, keys: Item[]): Promise<Item[]> => {
  const found: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Item[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed keys');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      const out = await dynamo().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
      found.push(...(out.Responses?.[table] ?? []));
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
    }
  }
  return found;
};

/** The item without its table keys, to be parsed by the table contract's schema. */
export const stripKeys = (item: Item): Item => {
  const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, ...rest } = item;
  return rest;
};
