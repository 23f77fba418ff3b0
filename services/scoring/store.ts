/**
 * The only writer of the `results` table (contract, keys and item schemas: shared/tables/results.ts).
 * Reads go through the contract's reader.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SubmissionAcceptedEvent } from '../../shared/contracts/scoring-events.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { batchPutAll } from '../../shared/platform/dynamo.ts';
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
  runPartKey,
  type ScoringRun,
} from '../../shared/tables/results.ts';

export interface ResultStore extends ResultsReader {
  /** Counts a returned form once per token, however often the event is delivered. */
  countReturned(
    e: Pick<SubmissionAcceptedEvent, 'roundId' | 'unitCode' | 'fieldCode' | 'tokenHash'>,
  ): Promise<boolean>;
  /**
   * Counts many returned forms in one transaction (a consumer's batch): each token once, however
   * often its event is delivered; returns how many were new and how many had been counted before.
   */
  countReturnedMany(events: CountedEvent[]): Promise<{ counted: number; duplicates: number }>;
  putRun(roundId: string, run: ScoringRun): Promise<void>;
  putLatest(roundId: string, results: LatestResults): Promise<void>;
  /** Writes a run's result parts (idempotent: same run id → same keys). */
  putRunParts(roundId: string, runId: string, parts: RunPartInput[]): Promise<void>;
}

type CountedEvent = Pick<SubmissionAcceptedEvent, 'roundId' | 'unitCode' | 'fieldCode' | 'tokenHash'>;

/** A transaction holds at most 100 items: 40 markers and at most 40 counters leave room. */
const EVENTS_PER_TRANSACTION = 40;
const CONFLICT_RETRIES = 6;

export type RunPartInput = Parameters<typeof runPartKey>[2] & Record<string, unknown>;

export const resultStore = (): ResultStore => {
  const table = tableName('results');
  const db = dynamo();
  const countReturnedMany: ResultStore['countReturnedMany'] = async (events) => {
    const unique = [...new Map(events.map((e) => [`${e.roundId}#${e.tokenHash}`, e])).values()];
    let counted = 0;
    let duplicates = events.length - unique.length;
    for (let at = 0; at < unique.length; at += EVENTS_PER_TRANSACTION) {
      let pending = unique.slice(at, at + EVENTS_PER_TRANSACTION);
      for (let attempt = 0; pending.length > 0; attempt++) {
        const counters = new Map<string, { e: CountedEvent; n: number }>();
        for (const e of pending) {
          const k = `${e.roundId}#${e.unitCode}#${e.fieldCode}`;
          const c = counters.get(k);
          if (c) c.n++;
          else counters.set(k, { e, n: 1 });
        }
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                ...pending.map((e) => ({
                  Put: {
                    TableName: table,
                    Item: countedKey(e.roundId, e.tokenHash),
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                })),
                ...[...counters.values()].map(({ e, n }) => ({
                  Update: {
                    TableName: table,
                    Key: liveCountKey(e.roundId, e.unitCode, e.fieldCode),
                    UpdateExpression: 'ADD #r :n SET #u = :u, #f = :f',
                    ExpressionAttributeNames: { '#r': 'returned', '#u': 'unitCode', '#f': 'fieldCode' },
                    ExpressionAttributeValues: { ':n': n, ':u': e.unitCode, ':f': e.fieldCode },
                  },
                })),
              ],
            }),
          );
          counted += pending.length;
          break;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          // Markers come first: a failed condition on one means that token was counted before.
          const seen = new Set(
            pending.flatMap((_, i) => (reasons[i]?.Code === 'ConditionalCheckFailed' ? [i] : [])),
          );
          if (seen.size > 0) {
            duplicates += seen.size;
            pending = pending.filter((_, i) => !seen.has(i));
            continue;
          }
          // Another batch touched the same counter at the same moment: try again shortly.
          const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
          if (!conflict || attempt >= CONFLICT_RETRIES) throw error;
          await new Promise((r) => setTimeout(r, 10 * 2 ** attempt * (0.5 + Math.random())));
        }
      }
    }
    return { counted, duplicates };
  };

  return {
    ...resultsReader(),
    countReturnedMany,

    async countReturned(e) {
      return (await countReturnedMany([e])).counted === 1;
    },

    async putRun(roundId, run) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...runKey(roundId, run.runId), ...runItemSchema.parse(run) },
        }),
      );
    },

    async putRunParts(roundId, runId, parts) {
      await batchPutAll(
        table,
        parts.map((p) => ({ ...p, ...runPartKey(roundId, runId, p), runId })),
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
