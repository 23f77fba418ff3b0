/**
 * The only writer of the `submissions` table (contract, keys and item schema:
 * shared/tables/submissions.ts): one item per token hash, written with a condition so that exactly
 * one response per token is ever stored.
 */
import { tableName } from '../../shared/platform/config.ts';
import { putIfAbsent } from '../../shared/platform/dynamo.ts';
import {
  type StoredSubmission,
  type SubmissionsReader,
  submissionIndexKey,
  submissionItemSchema,
  submissionKey,
  submissionsReader,
} from '../../shared/tables/submissions.ts';

export interface SubmissionStore extends SubmissionsReader {
  /** Stores the submission unless the token already has one; returns the stored one. */
  putOnce(s: StoredSubmission): Promise<{ created: boolean; stored: StoredSubmission }>;
}

export const submissionStore = (): SubmissionStore => {
  const table = tableName('submissions');
  const reader = submissionsReader();
  return {
    ...reader,
    async putOnce(s) {
      const item = submissionItemSchema.parse(s);
      const created = await putIfAbsent(table, {
        ...submissionKey(item.tokenHash),
        ...submissionIndexKey(item),
        ...item,
      });
      if (created) return { created, stored: item };
      const existing = await reader.getByTokenHash(item.tokenHash);
      if (!existing) throw new Error('conditional write refused but no submission found');
      return { created, stored: existing };
    },
  };
};
