/**
 * The only writer of the `samples` table (contract, keys and item schemas: shared/tables/samples.ts).
 * Reads go through the contract's reader.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { batchPutAll, putIfAbsent } from '../../shared/platform/dynamo.ts';
import {
  type Assignment,
  assignmentItemSchema,
  assignmentKey,
  manifestKey,
  type SampleManifest,
  type SamplesReader,
  sampleManifestItemSchema,
  samplesReader,
  tokenKey,
} from '../../shared/tables/samples.ts';

export type DrawResult = Required<
  Pick<SampleManifest, 'rosterHash' | 'dossiers' | 'strata' | 'totals' | 'completedAt'>
>;

export interface SampleStore extends SamplesReader {
  createManifest(manifest: SampleManifest): Promise<boolean>;
  /** Deterministic puts: a redelivered draw rewrites identical items. */
  putAssignments(assignments: readonly Assignment[]): Promise<void>;
  completeManifest(roundId: string, sampleId: string, result: DrawResult): Promise<void>;
}

export const sampleStore = (): SampleStore => {
  const table = tableName('samples');
  return {
    ...samplesReader(),

    async createManifest(m) {
      return putIfAbsent(table, {
        ...manifestKey(m.roundId, m.sampleId),
        ...sampleManifestItemSchema.parse(m),
      });
    },

    async putAssignments(assignments) {
      await batchPutAll(
        table,
        assignments.flatMap((a) => {
          const item = assignmentItemSchema.parse(a);
          return [
            { ...assignmentKey(item), ...item },
            { ...tokenKey(item.tokenHash), ...item },
          ];
        }),
      );
    },

    async completeManifest(roundId, sampleId, result) {
      await dynamo().send(
        new UpdateCommand({
          TableName: table,
          Key: manifestKey(roundId, sampleId),
          UpdateExpression: 'SET #s = :s, #h = :h, #d = :d, #st = :st, #t = :t, #c = if_not_exists(#c, :c)',
          ExpressionAttributeNames: {
            '#s': 'status',
            '#h': 'rosterHash',
            '#d': 'dossiers',
            '#st': 'strata',
            '#t': 'totals',
            '#c': 'completedAt',
          },
          ExpressionAttributeValues: {
            ':s': 'completed',
            ':h': result.rosterHash,
            ':d': result.dossiers,
            ':st': result.strata,
            ':t': result.totals,
            ':c': result.completedAt,
          },
        }),
      );
    },
  };
};
