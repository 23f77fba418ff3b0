/**
 * The only writer of the `results` table (contract, keys and item schemas: shared/tables/results.ts).
 * Reads go through the contract's reader.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SubmissionAcceptedEvent } from '../../shared/contracts/scoring-events.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { batchPutAll, putIfAbsent } from '../../shared/platform/dynamo.ts';
import { mapWithLimit } from '../../shared/platform/pool.ts';
import {
  type LatestResults,
  latestResultsItemSchema,
  latestResultsKey,
  type PartDone,
  type PartStat,
  partDoneItemSchema,
  partDoneKey,
  partStatItemSchema,
  partStatKey,
  RETURNED_ENTRIES_PER_ITEM,
  type ResultsReader,
  resultsReader,
  returnedBatchKey,
  returnedEntry,
  runItemSchema,
  runKey,
  runPartKey,
  type ScoringRun,
} from '../../shared/tables/results.ts';

export interface ResultStore extends ResultsReader {
  /** Records a returned form (counted once per token, however often the event is delivered). */
  countReturned(
    e: Pick<SubmissionAcceptedEvent, 'roundId' | 'unitCode' | 'fieldCode' | 'tokenHash'>,
  ): Promise<void>;
  /**
   * Records many returned forms (a consumer's batch) in one RETURNED# item per round; the live counts
   * are the union of those items, so each token counts once however often its event is delivered.
   * Returns the distinct forms of the batch and how many repeated another of the batch.
   */
  countReturnedMany(events: CountedEvent[]): Promise<{ counted: number; duplicates: number }>;
  putRun(roundId: string, run: ScoringRun): Promise<void>;
  putLatest(roundId: string, results: LatestResults): Promise<void>;
  /** Writes a run's result parts (idempotent: same run id → same keys). */
  putRunParts(roundId: string, runId: string, parts: RunPartInput[]): Promise<void>;
  /** Records a run request unless a run with this id exists (false then). */
  createRun(roundId: string, run: ScoringRun): Promise<boolean>;
  /** requested → running with its number of parts (a re-plan keeps the parts already done). */
  markRunning(roundId: string, runId: string, partsTotal: number): Promise<void>;
  /** Ends a run that is not completed as `failed`, with the reason. */
  markFailed(roundId: string, runId: string, reason: { code: string; message: string }): Promise<void>;
  completeRun(
    roundId: string,
    runId: string,
    done: Pick<ScoringRun, 'completedAt' | 'snapshot' | 'parts'>,
  ): Promise<void>;
  putPartStats(roundId: string, stats: PartStat[]): Promise<void>;
  /** Marks a part done and counts it on the run, once: false when it was already done. */
  finishPart(roundId: string, done: PartDone): Promise<boolean>;
  /** Sets the ranks on a run's unit (or field) rows. */
  setRanks(
    roundId: string,
    runId: string,
    level: 'unit' | 'field',
    ranks: Array<{ code: string } & Record<string, unknown>>,
  ): Promise<void>;
  /** Points RESULT#LATEST at a fanned-out run, unless a run requested later already holds it. */
  putLatestPointer(roundId: string, pointer: LatestResults & { requestedAt: string }): Promise<boolean>;
}

type CountedEvent = Pick<SubmissionAcceptedEvent, 'roundId' | 'unitCode' | 'fieldCode' | 'tokenHash'>;

export type RunPartInput = Parameters<typeof runPartKey>[2] & Record<string, unknown>;

export const resultStore = (): ResultStore => {
  const table = tableName('results');
  const db = dynamo();
  /**
   * One item per round for the whole batch (more only past RETURNED_ENTRIES_PER_ITEM): its entries'
   * set, keyed by their hash, written with BatchWriteItem. However the traffic is spread over units
   * and fields, a batch of forms costs one small write, not one counter update per form; a
   * redelivered batch rewrites its own item, and the reader's union counts each form once.
   */
  const countReturnedMany: ResultStore['countReturnedMany'] = async (events) => {
    const byRound = new Map<string, Set<string>>();
    for (const e of events) {
      const entries = byRound.get(e.roundId) ?? new Set<string>();
      entries.add(returnedEntry(e.unitCode, e.fieldCode, e.tokenHash));
      byRound.set(e.roundId, entries);
    }
    const items: Array<Record<string, unknown>> = [];
    let counted = 0;
    for (const [roundId, set] of byRound) {
      const sorted = [...set].sort();
      counted += sorted.length;
      for (let i = 0; i < sorted.length; i += RETURNED_ENTRIES_PER_ITEM) {
        const entries = sorted.slice(i, i + RETURNED_ENTRIES_PER_ITEM);
        items.push({ ...returnedBatchKey(roundId, entries), entries: new Set(entries) });
      }
    }
    await batchPutAll(table, items);
    return { counted, duplicates: events.length - counted };
  };

  return {
    ...resultsReader(),
    countReturnedMany,

    async countReturned(e) {
      await countReturnedMany([e]);
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

    async createRun(roundId, run) {
      return putIfAbsent(table, { ...runKey(roundId, run.runId), ...runItemSchema.parse(run) });
    },

    async markRunning(roundId, runId, partsTotal) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: runKey(roundId, runId),
          UpdateExpression: 'SET #s = :running, #total = :n, #done = if_not_exists(#done, :zero)',
          ConditionExpression: '#s IN (:requested, :running)',
          ExpressionAttributeNames: { '#s': 'status', '#total': 'partsTotal', '#done': 'partsDone' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':requested': 'requested',
            ':n': partsTotal,
            ':zero': 0,
          },
        }),
      );
    },

    async markFailed(roundId, runId, reason) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: runKey(roundId, runId),
            UpdateExpression: 'SET #s = :failed, #at = :at, #reason = :reason',
            ConditionExpression: 'attribute_exists(pk) AND #s <> :completed',
            ExpressionAttributeNames: { '#s': 'status', '#at': 'failedAt', '#reason': 'reason' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':completed': 'completed',
              ':at': new Date().toISOString(),
              ':reason': reason,
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async completeRun(roundId, runId, done) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: runKey(roundId, runId),
          UpdateExpression: 'SET #s = :completed, #at = :at, #snap = :snap, #parts = :parts',
          ConditionExpression: '#s = :running',
          ExpressionAttributeNames: {
            '#s': 'status',
            '#at': 'completedAt',
            '#snap': 'snapshot',
            '#parts': 'parts',
          },
          ExpressionAttributeValues: {
            ':completed': 'completed',
            ':running': 'running',
            ':at': done.completedAt,
            ':snap': done.snapshot,
            ':parts': done.parts,
          },
        }),
      );
    },

    async putPartStats(roundId, stats) {
      await batchPutAll(
        table,
        stats.map((st) => ({
          ...partStatKey(roundId, st.runId, st.part, st.fieldCode),
          ...partStatItemSchema.parse(st),
        })),
      );
    },

    async finishPart(roundId, done) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { ...partDoneKey(roundId, done.runId, done.part), ...partDoneItemSchema.parse(done) },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: runKey(roundId, done.runId),
                  UpdateExpression: 'ADD #done :one',
                  ConditionExpression: '#s = :running',
                  ExpressionAttributeNames: { '#s': 'status', '#done': 'partsDone' },
                  ExpressionAttributeValues: { ':one': 1, ':running': 'running' },
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')
        ) {
          return false;
        }
        throw error;
      }
    },

    async setRanks(roundId, runId, level, ranks) {
      // Eight updates in flight: a national wave ranks thousands of units.
      await mapWithLimit(ranks, 8, async ({ code, ...fields }) => {
        const names = Object.keys(fields);
        if (names.length === 0) return;
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: runPartKey(
              roundId,
              runId,
              level === 'unit' ? { level, unitCode: code } : { level, fieldCode: code },
            ),
            UpdateExpression: `SET ${names.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#k${i}`, n])),
            ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, fields[n]])),
          }),
        );
      });
    },

    async putLatestPointer(roundId, pointer) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...latestResultsKey(roundId),
              ...latestResultsItemSchema.parse(pointer),
              storage: 'parts',
            },
            ConditionExpression: 'attribute_not_exists(requestedAt) OR requestedAt <= :at',
            ExpressionAttributeValues: { ':at': pointer.requestedAt },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
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
