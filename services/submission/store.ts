/**
 * The only code that talks to the `submissions` table: one item per token hash, written
 * with a condition so that exactly one response per token is ever stored.
 *   TOKEN#hash / SUBMISSION   (gsi1: ROUND#r / S#unit#field#hash for scoring)
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { putIfAbsent, queryAll, stripKeys } from '../../shared/platform/dynamo.ts';

export interface StoredSubmission {
  tokenHash: string;
  roundId: string;
  sampleId: string;
  unitCode: string;
  fieldCode: string;
  templateId: string;
  answers: Record<string, unknown>;
  bodyHash: string;
  receiptId: string;
  channel: 'web' | 'paper';
  submittedAt: string;
}

const strip = (item: Record<string, unknown>): StoredSubmission => stripKeys<StoredSubmission>(item);

export const submissionStore = () => {
  const table = tableName('submissions');
  const db = dynamo();
  const key = (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'SUBMISSION' });
  const get = async (tokenHash: string): Promise<StoredSubmission | null> => {
    const out = await db.send(
      new GetCommand({ TableName: table, Key: key(tokenHash), ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item) : null;
  };
  return {
    async get(tokenHash: string): Promise<StoredSubmission | null> {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: key(tokenHash), ConsistentRead: true }),
      );
      return out.Item ? strip(out.Item) : null;
    },

    /** Stores the submission unless the token already has one; returns the stored one. */
    async putOnce(s: StoredSubmission): Promise<{ created: boolean; stored: StoredSubmission }> {
      const created = await putIfAbsent(table, {
        ...key(s.tokenHash),
        gsi1pk: `ROUND#${s.roundId}`,
        gsi1sk: `S#${s.unitCode}#${s.fieldCode}#${s.tokenHash}`,
        ...s,
      });
      if (created) return { created, stored: s };
      const existing = await get(s.tokenHash);
      if (!existing) throw new Error('conditional write refused but no submission found');
      return { created, stored: existing };
    },

    async listByRound(roundId: string): Promise<StoredSubmission[]> {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `ROUND#${roundId}` },
      });
      return items.map(strip);
    },
  };
};

export type SubmissionStore = ReturnType<typeof submissionStore>;
