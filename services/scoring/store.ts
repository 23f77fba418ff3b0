/**
 * The only code that talks to the `results` table.
 *   ROUND#r / COUNT#unit#field   live counter of returned forms
 *   ROUND#r / COUNTED#tokenHash  marker: this submission is already counted (idempotency)
 *   ROUND#r / RUN#runId          a scoring run (requested / completed)
 *   ROUND#r / RESULT#LATEST      the latest computed results
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { queryPrefix, stripKeys } from '../../shared/platform/dynamo.ts';

export interface LiveCount {
  unitCode: string;
  fieldCode: string;
  returned: number;
}

export const resultStore = () => {
  const table = tableName('results');
  const db = dynamo();
  const pk = (roundId: string) => `ROUND#${roundId}`;
  return {
    /** Counts a returned form once per token, however often the event is delivered. */
    async countReturned(e: {
      roundId: string;
      unitCode: string;
      fieldCode: string;
      tokenHash: string;
    }): Promise<boolean> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { pk: pk(e.roundId), sk: `COUNTED#${e.tokenHash}` },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk: pk(e.roundId), sk: `COUNT#${e.unitCode}#${e.fieldCode}` },
                  UpdateExpression: 'ADD #r :one SET #u = :u, #f = :f',
                  ExpressionAttributeNames: { '#r': 'returned', '#u': 'unitCode', '#f': 'fieldCode' },
                  ExpressionAttributeValues: { ':one': 1, ':u': e.unitCode, ':f': e.fieldCode },
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
        ) {
          return false;
        }
        throw error;
      }
    },

    async liveCounts(roundId: string): Promise<LiveCount[]> {
      const items = await queryPrefix(table, pk(roundId), 'COUNT#');
      return items.map((i) => ({
        unitCode: String(i.unitCode),
        fieldCode: String(i.fieldCode),
        returned: Number(i.returned),
      }));
    },

    async putRun(
      roundId: string,
      run: { runId: string; status: 'requested' | 'completed'; at: string; trigger: string },
    ) {
      await db.send(
        new PutCommand({ TableName: table, Item: { pk: pk(roundId), sk: `RUN#${run.runId}`, ...run } }),
      );
    },

    async getRun(roundId: string, runId: string): Promise<Record<string, unknown> | null> {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: { pk: pk(roundId), sk: `RUN#${runId}` } }),
      );
      return out.Item ?? null;
    },

    async putLatest(roundId: string, results: Record<string, unknown>): Promise<void> {
      await db.send(
        new PutCommand({ TableName: table, Item: { pk: pk(roundId), sk: 'RESULT#LATEST', ...results } }),
      );
    },

    async getLatest(roundId: string): Promise<Record<string, unknown> | null> {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: pk(roundId), sk: 'RESULT#LATEST' },
          ConsistentRead: true,
        }),
      );
      return out.Item ? stripKeys<Record<string, unknown>>(out.Item) : null;
    },
  };
};

export type ResultStore = ReturnType<typeof resultStore>;
