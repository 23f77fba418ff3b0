/**
 * The only code that talks to the `respondents` table.
 *   ROUND#r / IMPORT#id      import report (status, counts, row errors)
 *   ROUND#r / DOSSIER#id     one dossier (hồ sơ) row: person key, unit, field, completion date
 *   ROUND#r / PERSON#key     one person: sealed name and phone (AES-GCM), first import wins
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { batchGetAll, batchPutAll, putIfAbsent, queryPrefix } from '../../shared/platform/dynamo.ts';
import type { ChunkRow } from './messages.ts';
import type { RowIssue } from './parse-roster.ts';

export const MAX_STORED_ERRORS = 1000;

export interface ImportRecord {
  importId: string;
  roundId: string;
  status: 'processing' | 'completed';
  filename: string;
  fileHash: string;
  createdAt: string;
  createdBy: string;
  dataRows: number;
  valid: number;
  rejected: number;
  warnings: number;
  chunkCount: number;
  chunksDone: number;
  stored: number;
  duplicates: number;
  errors: RowIssue[];
  errorsTruncated: boolean;
}

export interface DossierRecord {
  dossierId: string;
  personKey: string;
  unitCode: string;
  fieldCode: string;
  completedOn: string;
  importId: string;
  row: number;
}

export interface PersonRecord {
  personKey: string;
  nameEnc: string;
  phoneEnc: string;
  phoneKind: 'mobile' | 'landline';
}

const roundPk = (roundId: string) => `ROUND#${roundId}`;

const dossierOf = (importId: string, row: ChunkRow): DossierRecord => ({
  dossierId: row.dossierId,
  personKey: row.personKey,
  unitCode: row.unitCode,
  fieldCode: row.fieldCode,
  completedOn: row.completedOn,
  importId,
  row: row.row,
});

export const respondentStore = () => {
  const table = tableName('respondents');
  const db = dynamo();
  return {
    async getImport(roundId: string, importId: string): Promise<ImportRecord | null> {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: roundPk(roundId), sk: `IMPORT#${importId}` },
          ConsistentRead: true,
        }),
      );
      if (!out.Item) return null;
      const { pk: _p, sk: _s, chunksDoneSet, ...rest } = out.Item;
      return {
        ...(rest as Omit<ImportRecord, 'chunksDone'>),
        chunksDone: (chunksDoneSet as Set<string> | undefined)?.size ?? 0,
      };
    },

    /** Creates the import report unless this file was already imported into this round. */
    async createImport(record: Omit<ImportRecord, 'chunksDone' | 'stored' | 'duplicates'>): Promise<boolean> {
      return putIfAbsent(table, {
        pk: roundPk(record.roundId),
        sk: `IMPORT#${record.importId}`,
        ...record,
        stored: 0,
        duplicates: 0,
      });
    },

    /**
     * Writes one dossier unless its id exists. Returns 'written', 'replayed' (this import's own
     * earlier write: a redelivered message) or 'duplicate' (another import holds the id).
     */
    async putDossier(
      roundId: string,
      importId: string,
      row: ChunkRow,
    ): Promise<'written' | 'replayed' | 'duplicate'> {
      const item = dossierOf(importId, row);
      if (await putIfAbsent(table, { pk: roundPk(roundId), sk: `DOSSIER#${row.dossierId}`, ...item })) {
        return 'written';
      }
      const existing = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: roundPk(roundId), sk: `DOSSIER#${row.dossierId}` },
          ConsistentRead: true,
        }),
      );
      return existing.Item?.importId === importId && existing.Item?.row === row.row
        ? 'replayed'
        : 'duplicate';
    },

    /**
     * Writes a chunk's dossiers, 100 per transaction (the TransactWriteItems limit), each on
     * the condition that its id is new. A cancelled transaction (some id exists) falls back
     * to one conditional write per dossier, which tells replays from true duplicates.
     */
    async putDossiers(
      roundId: string,
      importId: string,
      rows: ChunkRow[],
    ): Promise<Map<number, 'written' | 'replayed' | 'duplicate'>> {
      const outcomes = new Map<number, 'written' | 'replayed' | 'duplicate'>();
      for (let i = 0; i < rows.length; i += 100) {
        const group = rows.slice(i, i + 100);
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: group.map((row) => ({
                Put: {
                  TableName: table,
                  Item: { pk: roundPk(roundId), sk: `DOSSIER#${row.dossierId}`, ...dossierOf(importId, row) },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
            }),
          );
          for (const row of group) outcomes.set(row.row, 'written');
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          for (const row of group) outcomes.set(row.row, await this.putDossier(roundId, importId, row));
        }
      }
      return outcomes;
    },

    /** Persons are keyed by their person key: a rewrite stores the same person again. */
    async putPersons(roundId: string, rows: ChunkRow[]): Promise<void> {
      const unique = new Map(rows.map((r) => [r.personKey, r]));
      await batchPutAll(
        table,
        [...unique.values()].map((r) => ({
          pk: roundPk(roundId),
          sk: `PERSON#${r.personKey}`,
          personKey: r.personKey,
          nameEnc: r.nameEnc,
          phoneEnc: r.phoneEnc,
          phoneKind: r.phoneKind,
        })),
      );
    },

    /**
     * Records a finished chunk exactly once (a redelivered message adds nothing) and
     * completes the import when every chunk is in. Returns false for a replay.
     */
    async completeChunk(
      roundId: string,
      importId: string,
      chunkIndex: number,
      counts: { stored: number; duplicates: number; errors: RowIssue[] },
    ): Promise<boolean> {
      const key = { pk: roundPk(roundId), sk: `IMPORT#${importId}` };
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
        chunksDone = (out.Attributes?.chunksDoneSet as Set<string> | undefined)?.size ?? 0;
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

    async listDossiers(roundId: string): Promise<DossierRecord[]> {
      return (await queryPrefix(table, roundPk(roundId), 'DOSSIER#')) as unknown as DossierRecord[];
    },

    async countImportsInProgress(roundId: string): Promise<number> {
      const items = await queryPrefix(table, roundPk(roundId), 'IMPORT#');
      return items.filter((i) => i.status === 'processing').length;
    },

    /** The named persons only (export of a sample), never the whole roster. */
    async getPersons(roundId: string, personKeys: string[]): Promise<PersonRecord[]> {
      const unique = [...new Set(personKeys)];
      const items = await batchGetAll(
        table,
        unique.map((key) => ({ pk: roundPk(roundId), sk: `PERSON#${key}` })),
      );
      return items as unknown as PersonRecord[];
    },
  };
};

export type RespondentStore = ReturnType<typeof respondentStore>;
