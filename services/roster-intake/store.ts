/**
 * The only writer of the `respondents` table (contract, keys and item schemas:
 * shared/tables/respondents.ts). Reads go through the contract's reader.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChunkRow } from '../../shared/contracts/roster-chunks.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { batchPutAll, putIfAbsent } from '../../shared/platform/dynamo.ts';
import {
  type DossierRecord,
  dossierItemSchema,
  dossierKey,
  dossierPersonIndexKey,
  importKey,
  type NewImport,
  newImportSchema,
  type PersonRecord,
  personItemSchema,
  personKey,
  type RespondentsReader,
  respondentsReader,
  type StoredRowIssue,
} from '../../shared/tables/respondents.ts';

export type DossierOutcome = 'written' | 'replayed' | 'duplicate';

export interface RespondentStore extends RespondentsReader {
  /** Creates the import report unless this file was already imported into this round. */
  createImport(record: NewImport): Promise<boolean>;
  /**
   * Writes a chunk's dossiers, each on the condition that its id is new. Outcome per row:
   * 'written', 'replayed' (this import's own earlier write: a redelivered message) or 'duplicate'
   * (another import holds the id).
   */
  putDossiers(
    roundId: string,
    importId: string,
    rows: readonly ChunkRow[],
  ): Promise<Map<number, DossierOutcome>>;
  /** Persons are keyed by their person key: a rewrite stores the same person again. */
  putPersons(roundId: string, rows: readonly ChunkRow[]): Promise<void>;
  /** Records a finished chunk exactly once; completes the import when every chunk is in. False for a replay. */
  completeChunk(
    roundId: string,
    importId: string,
    chunkIndex: number,
    counts: { stored: number; duplicates: number; errors: StoredRowIssue[] },
  ): Promise<boolean>;
}

const dossierOf = (importId: string, row: ChunkRow): DossierRecord =>
  dossierItemSchema.parse({
    dossierId: row.dossierId,
    personKey: row.personKey,
    unitCode: row.unitCode,
    fieldCode: row.fieldCode,
    completedOn: row.completedOn,
    importId,
    row: row.row,
  });

const dossierItem = (roundId: string, importId: string, row: ChunkRow) => ({
  ...dossierKey(roundId, row.dossierId),
  ...dossierPersonIndexKey(roundId, row.personKey, row.dossierId),
  ...dossierOf(importId, row),
});

/** Every sealed field of the row: name, phone, and address, birth year and sex when the roster had them. */
const personOf = (row: ChunkRow): PersonRecord =>
  personItemSchema.parse({
    personKey: row.personKey,
    nameEnc: row.nameEnc,
    phoneEnc: row.phoneEnc,
    phoneKind: row.phoneKind,
    ...(row.addressEnc ? { addressEnc: row.addressEnc } : {}),
    ...(row.birthYearEnc ? { birthYearEnc: row.birthYearEnc } : {}),
    ...(row.sexEnc ? { sexEnc: row.sexEnc } : {}),
  });

export const respondentStore = (): RespondentStore => {
  const table = tableName('respondents');
  const db = dynamo();

  const putDossier = async (roundId: string, importId: string, row: ChunkRow): Promise<DossierOutcome> => {
    if (await putIfAbsent(table, dossierItem(roundId, importId, row))) return 'written';
    const existing = await db.send(
      new GetCommand({ TableName: table, Key: dossierKey(roundId, row.dossierId), ConsistentRead: true }),
    );
    return existing.Item?.importId === importId && existing.Item?.row === row.row ? 'replayed' : 'duplicate';
  };

  return {
    ...respondentsReader(),

    async createImport(record) {
      return putIfAbsent(table, {
        ...importKey(record.roundId, record.importId),
        ...newImportSchema.parse(record),
        stored: 0,
        duplicates: 0,
      });
    },

    // 100 per transaction (the TransactWriteItems limit); a cancelled transaction (some id exists)
    // falls back to one conditional write per dossier, which tells replays from true duplicates.
    async putDossiers(roundId, importId, rows) {
      const outcomes = new Map<number, DossierOutcome>();
      for (let i = 0; i < rows.length; i += 100) {
        const group = rows.slice(i, i + 100);
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: group.map((row) => ({
                Put: {
                  TableName: table,
                  Item: dossierItem(roundId, importId, row),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
            }),
          );
          for (const row of group) outcomes.set(row.row, 'written');
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          for (const row of group) outcomes.set(row.row, await putDossier(roundId, importId, row));
        }
      }
      return outcomes;
    },

    async putPersons(roundId, rows) {
      const unique = new Map(rows.map((r) => [r.personKey, r]));
      await batchPutAll(
        table,
        [...unique.values()].map((r) => ({ ...personKey(roundId, r.personKey), ...personOf(r) })),
      );
    },

    async completeChunk(roundId, importId, chunkIndex, counts) {
      const key = importKey(roundId, importId);
      let chunksDone: number;
      let chunkCount: number;
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression:
              'ADD #done :c, #stored :s, #dups :d SET #errors = list_append(if_not_exists(#errors, :empty), :e)',
            ConditionExpression: 'attribute_exists(pk) AND NOT contains(#done, :ci)',
            ExpressionAttributeNames: {
              '#done': 'chunksDoneSet',
              '#stored': 'stored',
              '#dups': 'duplicates',
              '#errors': 'errors',
            },
            ExpressionAttributeValues: {
              ':c': new Set([String(chunkIndex)]),
              ':ci': String(chunkIndex),
              ':s': counts.stored,
              ':d': counts.duplicates,
              ':e': counts.errors,
              ':empty': [],
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const done = out.Attributes?.chunksDoneSet;
        chunksDone = done instanceof Set ? done.size : 0;
        chunkCount = Number(out.Attributes?.chunkCount ?? 0);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
      if (chunksDone >= chunkCount) {
        await db
          .send(
            new UpdateCommand({
              TableName: table,
              Key: key,
              UpdateExpression: 'SET #s = :done, completedAt = :t',
              ConditionExpression: '#s = :processing',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':done': 'completed',
                ':processing': 'processing',
                ':t': new Date().toISOString(),
              },
            }),
          )
          .catch((error) => {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          });
      }
      return true;
    },
  };
};
