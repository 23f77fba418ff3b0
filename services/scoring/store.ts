/**
 * The only writer of the `results` table (contract, keys and item schemas: shared/tables/results.ts).
 * Reads go through the contract's reader.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SubmissionAcceptedEvent } from '../../shared/contracts/scoring-events.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import {
  countedKey,
  type LatestResults,
  latestResultsItemSchema,
  latestResultsKey,
  liveCountKey,
  type ResultsReader,
  resultsReader,
  runItemSchema,
  runKey,
  type ScoringRun,
} from '../../shared/tables/results.ts';

export interface ResultStore extends ResultsReader {
  /** Counts a returned form once per token, however often the event is delivered. */
  countReturned(
    e: Pick<SubmissionAcceptedEvent, 'roundId' | 'unitCode' | 'fieldCode' | 'tokenHash'>,
  ): Promise<boolean>;
  putRun(roundId: string, run: ScoringRun): Promise<void>;
  putLatest(roundId: string, results: LatestResults): Promise<void>;
}

export const resultStore = (): ResultStore => {
  const table = tableName('results');
  const db = dynamo();
  return {
    ...resultsReader(),

    async countReturned(e) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: countedKey(e.roundId, e.tokenHash),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: liveCountKey(e.roundId, e.unitCode, e.fieldCode),
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

    async putRun(roundId, run) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...runKey(roundId, run.runId), ...runItemSchema.parse(run) },
        }),
      );
    },

    async putLatest(roundId, results) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...latestResultsKey(roundId), ...latestResultsItemSchema.parse(results) },
        }),
      );
    },
  };
};
