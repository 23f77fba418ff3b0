/**
 * Contract of the `submissions` table. Writer: services/submission/store.ts (only): one item per
 * token hash, written with a condition so that exactly one response per token is ever stored.
 * Readers: the form page (already answered?), scoring (every submission of a round).
 *
 *   TOKEN#hash / SUBMISSION   (gsi1: ROUND#r / S#unit#field#hash for scoring)
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { type Page, queryAll, queryPage, stripKeys } from '../platform/dynamo.ts';

export const submissionItemSchema = z.object({
  tokenHash: z.string(),
  roundId: z.string(),
  sampleId: z.string(),
  unitCode: z.string(),
  fieldCode: z.string(),
  templateId: z.string(),
  answers: z.record(z.string(), z.unknown()),
  bodyHash: z.string(),
  receiptId: z.string(),
  channel: z.enum(['web', 'paper']),
  submittedAt: z.string(),
});
export type StoredSubmission = z.infer<typeof submissionItemSchema>;

// ---- keys ----
export const submissionKey = (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'SUBMISSION' });
export const submissionIndexKey = (
  s: Pick<StoredSubmission, 'roundId' | 'unitCode' | 'fieldCode' | 'tokenHash'>,
) => ({
  gsi1pk: `ROUND#${s.roundId}`,
  gsi1sk: `S#${s.unitCode}#${s.fieldCode}#${s.tokenHash}`,
});

export const parseSubmissionItem = (item: Record<string, unknown>): StoredSubmission =>
  submissionItemSchema.parse(stripKeys(item));

// ---- reader ----
export interface SubmissionsReader {
  getByTokenHash(tokenHash: string): Promise<StoredSubmission | null>;
  /** Every submission of the round, all pages (scoring). */
  listByRound(roundId: string): Promise<StoredSubmission[]>;
  pageByRound(roundId: string, page: { limit: number; cursor?: string }): Promise<Page<StoredSubmission>>;
  /** The submissions of one unit of the round (every field), a page at a time (scoring's parts). */
  pageByUnit(
    roundId: string,
    unitCode: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<StoredSubmission>>;
}

export const submissionsReader = (): SubmissionsReader => {
  const table = tableName('submissions');
  const byRound = (roundId: string) => ({
    TableName: table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': `ROUND#${roundId}` },
  });
  return {
    async getByTokenHash(tokenHash) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: submissionKey(tokenHash), ConsistentRead: true }),
      );
      return out.Item ? parseSubmissionItem(out.Item) : null;
    },
    async listByRound(roundId) {
      return (await queryAll(byRound(roundId))).map(parseSubmissionItem);
    },
    async pageByRound(roundId, page) {
      const out = await queryPage(byRound(roundId), page);
      return { ...out, items: out.items.map(parseSubmissionItem) };
    },
    async pageByUnit(roundId, unitCode, page) {
      const out = await queryPage(
        {
          ...byRound(roundId),
          KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :u)',
          ExpressionAttributeValues: { ':p': `ROUND#${roundId}`, ':u': `S#${unitCode}#` },
        },
        page,
      );
      return { ...out, items: out.items.map(parseSubmissionItem) };
    },
  };
};
