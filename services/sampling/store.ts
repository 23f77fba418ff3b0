/**
 * The only code that talks to the `samples` table.
 *   ROUND#r / SAMPLE#id                 sample manifest (request, status, counts, roster hash)
 *   SAMPLE#id / A#unit#field#O|R#rank   one assignment (person key, token hash)
 *   TOKEN#sha256(token) / TOKEN         token lookup for the public form (no token is stored)
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { batchPutAll, putIfAbsent, queryPrefix, stripKeys } from '../../shared/platform/dynamo.ts';
import type { StratumCount } from './draw.ts';

export interface SampleManifest {
  sampleId: string;
  roundId: string;
  seed: string;
  officialPerStratum: number;
  reservePerStratum: number;
  algorithm: string;
  status: 'pending' | 'completed';
  requestedAt: string;
  requestedBy: string;
  completedAt?: string;
  rosterHash?: string;
  dossiers?: number;
  strata?: StratumCount[];
  totals?: { official: number; reserve: number; shortfall: number };
}

export interface Assignment {
  sampleId: string;
  roundId: string;
  unitCode: string;
  fieldCode: string;
  list: 'official' | 'reserve';
  rank: number;
  personKey: string;
  tokenHash: string;
}

export const assignmentSk = (a: Pick<Assignment, 'unitCode' | 'fieldCode' | 'list' | 'rank'>): string =>
  `A#${a.unitCode}#${a.fieldCode}#${a.list === 'official' ? 'O' : 'R'}#${String(a.rank).padStart(5, '0')}`;

export const sampleStore = () => {
  const table = tableName('samples');
  const db = dynamo();

  return {
    async getManifest(roundId: string, sampleId: string): Promise<SampleManifest | null> {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: `ROUND#${roundId}`, sk: `SAMPLE#${sampleId}` },
          ConsistentRead: true,
        }),
      );
      return out.Item ? stripKeys<SampleManifest>(out.Item) : null;
    },

    async createManifest(m: SampleManifest): Promise<boolean> {
      return putIfAbsent(table, { pk: `ROUND#${m.roundId}`, sk: `SAMPLE#${m.sampleId}`, ...m });
    },

    async listManifests(roundId: string): Promise<SampleManifest[]> {
      return (await queryPrefix(table, `ROUND#${roundId}`, 'SAMPLE#')).map((i) =>
        stripKeys<SampleManifest>(i),
      );
    },

    /** Deterministic puts: a redelivered draw rewrites identical items. */
    async putAssignments(assignments: Assignment[]): Promise<void> {
      await batchPutAll(
        table,
        assignments.flatMap((a) => [
          { pk: `SAMPLE#${a.sampleId}`, sk: assignmentSk(a), ...a },
          { pk: `TOKEN#${a.tokenHash}`, sk: 'TOKEN', ...a },
        ]),
      );
    },

    async completeManifest(
      roundId: string,
      sampleId: string,
      result: Required<Pick<SampleManifest, 'rosterHash' | 'dossiers' | 'strata' | 'totals' | 'completedAt'>>,
    ): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `ROUND#${roundId}`, sk: `SAMPLE#${sampleId}` },
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

    async listAssignments(sampleId: string): Promise<Assignment[]> {
      return (await queryPrefix(table, `SAMPLE#${sampleId}`, 'A#')).map((i) => stripKeys<Assignment>(i));
    },

    async findByTokenHash(tokenHash: string): Promise<Assignment | null> {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: { pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' } }),
      );
      return out.Item ? stripKeys<Assignment>(out.Item) : null;
    },
  };
};

export type SampleStore = ReturnType<typeof sampleStore>;
