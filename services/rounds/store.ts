/** The only code that talks to the `rounds` table. Other services read rounds through here. */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { putIfAbsent, queryAll, stripKeys } from '../../shared/platform/dynamo.ts';
import { type Round, roundSchema } from './schemas.ts';

const key = (roundId: string) => ({ pk: `ROUND#${roundId}`, sk: 'META' });

export interface RoundStore {
  /** Writes the round unless its id exists; returns the stored round either way. */
  putIfAbsent(round: Round): Promise<{ created: boolean; round: Round }>;
  get(roundId: string): Promise<Round | null>;
  list(limit: number): Promise<Round[]>;
  /** Every round, all pages (scheduled jobs only; never in a request path). */
  listAll(): Promise<Round[]>;
}

const toRound = (item: Record<string, unknown>): Round => roundSchema.parse(stripKeys(item));

export const roundStore = (): RoundStore => {
  const table = tableName('rounds');
  const get = async (roundId: string): Promise<Round | null> => {
    const out = await dynamo().send(
      new GetCommand({ TableName: table, Key: key(roundId), ConsistentRead: true }),
    );
    return out.Item ? toRound(out.Item) : null;
  };
  return {
    get,
    async putIfAbsent(round) {
      const created = await putIfAbsent(table, {
        ...key(round.id),
        gsi1pk: 'ROUNDS',
        gsi1sk: `${round.createdAt}#${round.id}`,
        ...round,
      });
      if (created) return { created, round };
      const existing = await get(round.id);
      if (!existing) throw new Error(`round ${round.id}: conditional write refused but no item found`);
      return { created, round: existing };
    },
    async listAll() {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': 'ROUNDS' },
      });
      return items.map(toRound);
    },
    async list(limit) {
      const out = await dynamo().send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': 'ROUNDS' },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(toRound);
    },
  };
};
