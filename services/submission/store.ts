/**
 * The only writer of the `submissions` table (contract, keys and item schema:
 * shared/tables/submissions.ts): one item per token hash, written with a condition so that exactly
 * one response per token is ever stored.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type RoundAuditEntry } from '../../shared/contracts/audit.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { putIfAbsent } from '../../shared/platform/dynamo.ts';
import { ConflictError } from '../../shared/platform/errors.ts';
import {
  type OtpRecord,
  otpItemSchema,
  otpKey,
  type PaperFormRecord,
  paperFormIndexKey,
  paperFormItemSchema,
  paperFormKey,
  parseOtpItem,
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
  /**
   * A rater form's submissions (one per target), each stored unless its key already has one, in
   * transactions of at most 100 items (DynamoDB's limit), in the given order: nothing of a chunk is
   * half-written. When the first chunk already exists, the later chunks take its receipt and time (a
   * retry completing an interrupted first attempt). Returns every stored item in order; stops early
   * (fewer items) at the first existing chunk whose body hashes differ from the new ones.
   */
  putAllOnce(items: StoredSubmission[]): Promise<{ created: boolean; stored: StoredSubmission[] }>;
}

/** DynamoDB's limit of items per TransactWriteItems. */
export const TRANSACTION_LIMIT = 100;

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
    async putAllOnce(all) {
      let items = all.map((s) => submissionItemSchema.parse(s));
      const stored: StoredSubmission[] = [];
      let created = false;
      for (let start = 0; start < items.length; start += TRANSACTION_LIMIT) {
        const chunk = items.slice(start, start + TRANSACTION_LIMIT);
        try {
          await dynamo().send(
            new TransactWriteCommand({
              TransactItems: chunk.map((item) => ({
                Put: {
                  TableName: table,
                  Item: { ...submissionKey(item.tokenHash), ...submissionIndexKey(item), ...item },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
            }),
          );
          created = true;
          stored.push(...chunk);
          continue;
        } catch (error) {
          if (
            !(error instanceof TransactionCanceledException) ||
            !(error.CancellationReasons ?? []).some(isConditionFailure)
          )
            throw error;
        }
        const existing = await Promise.all(chunk.map((i) => reader.getByTokenHash(i.tokenHash)));
        const same = existing.every((e, i) => e && e.bodyHash === chunk[i]!.bodyHash);
        if (!same || existing.some((e) => !e)) {
          stored.push(...existing.filter((e): e is StoredSubmission => e !== null));
          return { created, stored };
        }
        stored.push(...(existing as StoredSubmission[]));
        if (start === 0) {
          const first = existing[0]!;
          items = items.map((i) => ({ ...i, receiptId: first.receiptId, submittedAt: first.submittedAt }));
        }
      }
      return { created, stored };
    },
  };
};

// ---------------------------------------------------------------------------------------------------
// Paper forms (double entry) and one-time codes: the same table, the same single writer.

export class StaleWriteError extends ConflictError {
  constructor() {
    super('CONCURRENT_CHANGE', 'Phiếu vừa được người khác cập nhật; hãy tải lại và thử lại.');
  }
}

const isConditionFailure = (reason: { Code?: string } | undefined): boolean =>
  reason?.Code === 'ConditionalCheckFailed';

export interface PaperStore {
  /** Puts a new paper form (refused when one exists) with its audit entries; false when it existed. */
  createForm(form: PaperFormRecord, audit: RoundAuditEntry[]): Promise<boolean>;
  /** Replaces the form if it still has `expectedVersion` (else StaleWriteError), with audit entries. */
  updateForm(form: PaperFormRecord, expectedVersion: number | null, audit: RoundAuditEntry[]): Promise<void>;
  /**
   * Stores the paper form's answers as THE submission (refused when the token has one) and the form
   * (version-checked, or created when `expectedVersion` is null) in one transaction with its audit
   * entries. `{ stored: false, existing }` when a submission was already there.
   */
  storeSubmission(
    submission: StoredSubmission,
    form: PaperFormRecord,
    expectedVersion: number | null,
    audit: RoundAuditEntry[],
  ): Promise<{ stored: true } | { stored: false; existing: StoredSubmission }>;
}

export const paperStore = (): PaperStore => {
  const table = tableName('submissions');
  const reader = submissionsReader();
  const formPut = (form: PaperFormRecord, expectedVersion: number | null) => {
    const item = paperFormItemSchema.parse(form);
    return {
      Put: {
        TableName: table,
        Item: { ...paperFormKey(item.tokenHash), ...paperFormIndexKey(item), ...item },
        ...(expectedVersion === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':v': expectedVersion },
            }),
      },
    };
  };
  const auditPuts = (audit: RoundAuditEntry[]) =>
    audit.map((entry) => ({
      Put: {
        TableName: table,
        Item: auditItem(entry),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
  return {
    async createForm(form, audit) {
      try {
        await dynamo().send(
          new TransactWriteCommand({ TransactItems: [formPut(form, null), ...auditPuts(audit)] }),
        );
        return true;
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          isConditionFailure(error.CancellationReasons?.[0])
        )
          return false;
        throw error;
      }
    },
    async updateForm(form, expectedVersion, audit) {
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [formPut(form, expectedVersion), ...auditPuts(audit)],
          }),
        );
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          isConditionFailure(error.CancellationReasons?.[0])
        )
          throw new StaleWriteError();
        throw error;
      }
    },
    async storeSubmission(submission, form, expectedVersion, audit) {
      const item = submissionItemSchema.parse(submission);
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { ...submissionKey(item.tokenHash), ...submissionIndexKey(item), ...item },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              formPut(form, expectedVersion),
              ...auditPuts(audit),
            ],
          }),
        );
        return { stored: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (isConditionFailure(reasons[0])) {
          const existing = await reader.getByTokenHash(item.tokenHash);
          if (existing) return { stored: false, existing };
        }
        if (isConditionFailure(reasons[1])) throw new StaleWriteError();
        throw error;
      }
    },
  };
};

export interface OtpStore {
  get(tokenHash: string): Promise<OtpRecord | null>;
  /** Writes the record if the stored one still has `expectedVersion` (null: none stored); false otherwise. */
  put(record: OtpRecord, expectedVersion: number | null): Promise<boolean>;
}

export const otpStore = (): OtpStore => {
  const table = tableName('submissions');
  return {
    async get(tokenHash) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: otpKey(tokenHash), ConsistentRead: true }),
      );
      return out.Item ? parseOtpItem(out.Item) : null;
    },
    async put(record, expectedVersion) {
      const item = otpItemSchema.parse(record);
      try {
        await dynamo().send(
          new PutCommand({
            TableName: table,
            Item: { ...otpKey(item.tokenHash), ...item },
            ...(expectedVersion === null
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#v = :v',
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':v': expectedVersion },
                }),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
};

export interface CorrectionStore {
  /**
   * Replaces a stored paper submission's answers if they still hash to `oldBodyHash`, with the paper
   * form (version-checked) and the audit entries, in one transaction (StaleWriteError otherwise).
   */
  correct(
    change: { tokenHash: string; oldBodyHash: string; answers: Record<string, unknown>; bodyHash: string },
    form: PaperFormRecord,
    expectedVersion: number,
    audit: RoundAuditEntry[],
  ): Promise<void>;
}

export const correctionStore = (): CorrectionStore => {
  const table = tableName('submissions');
  return {
    async correct(change, form, expectedVersion, audit) {
      const item = paperFormItemSchema.parse(form);
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: submissionKey(change.tokenHash),
                  UpdateExpression: 'SET answers = :a, bodyHash = :h',
                  ConditionExpression: 'bodyHash = :old AND channel = :paper',
                  ExpressionAttributeValues: {
                    ':a': change.answers,
                    ':h': change.bodyHash,
                    ':old': change.oldBodyHash,
                    ':paper': 'paper',
                  },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { ...paperFormKey(item.tokenHash), ...paperFormIndexKey(item), ...item },
                  ConditionExpression: '#v = :v',
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':v': expectedVersion },
                },
              },
              ...audit.map((entry) => ({
                Put: {
                  TableName: table,
                  Item: auditItem(entry),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) throw new StaleWriteError();
        throw error;
      }
    },
  };
};
