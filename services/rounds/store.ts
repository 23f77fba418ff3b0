/** The only writer of the `rounds` table (contract: shared/tables/rounds.ts). */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { putIfAbsent } from '../../shared/platform/dynamo.ts';
import {
  parseRoundItem,
  ROUNDS_INDEX_PK,
  type Round,
  roundIndexKey,
  roundItemSchema,
  roundKey,
} from '../../shared/tables/rounds.ts';

export interface RoundStore {
  /** Writes the round unless its id exists; returns the stored round either way. */
  putIfAbsent(round: Round): Promise<{ created: boolean; round: Round }>;
  get(roundId: string): Promise<Round | null>;
  /** The newest rounds first. */
  list(limit: number): Promise<Round[]>;
}

export const roundStore = (): RoundStore => {
  const table = tableName('rounds');
  const get = async (roundId: string): Promise<Round | null> => {
    const out = await dynamo().send(
      new GetCommand({ TableName: table, Key: roundKey(roundId), ConsistentRead: true }),
    );
    return out.Item ? parseRoundItem(out.Item) : null;
  };
  return {
    get,
    async putIfAbsent(round) {
      // Parsed before writing: the item on disk always satisfies the contract.
      const item = roundItemSchema.parse(round);
      const created = await putIfAbsent(table, { ...roundKey(item.id), ...roundIndexKey(item), ...item });
      if (created) return { created, round: item };
      const existing = await get(item.id);
      if (!existing) throw new Error(`round ${item.id}: conditional write refused but no item found`);
      return { created, round: existing };
    },
    async list(limit) {
      const out = await dynamo().send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': ROUNDS_INDEX_PK },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(parseRoundItem);
    },
  };
};
