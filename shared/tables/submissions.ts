/**
 * Contract of the `submissions` table. Writer: services/submission/store.ts (only): one item per
 * token hash, written with a condition so that exactly one response per token is ever stored.
 * Readers: the form page (already answered?), scoring (every submission of a round).
 *
 *   TOKEN#hash / SUBMISSION   (gsi1: ROUND#r / S#unit#field#hash for scoring)
 *                             a PAR rater form stores one such item per target it rates: `hash` is
 *                             raterTargetHash(form's token hash, target), unit = the target, field =
 *                             the rater's group code, sampleId = the rater-forms set id (formsId)
 *                             with its integrity facts (openedAt, durationSeconds, clientHash: a keyed
 *                             hash of client IP + user agent; channel) — never a person key or token
 *   PAPER#hash / FORM         one returned paper form being keyed (gsi1: PAPER#r / unit#formId):
 *                             first and second entry (operator ids, times, answers), mismatches,
 *                             resolution, its own audit trail (shared/domain/double-entry.ts)
 *   OTP#hash / OTP            the one-time code of a form (keyed hash only), tries, expiry, lock
 *   AUDIT#r / at#id           the round's audit entries of this service (shared/contracts/audit.ts)
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { sha256Hex } from '../platform/crypto.ts';
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
  // Integrity facts (issue 10 §7): recorded and shown to ops, never a reason to refuse.
  /** When the form said it was opened (ISO), as sent by the form. */
  openedAt: z.string().optional(),
  /** submittedAt − openedAt, in whole seconds. */
  durationSeconds: z.number().optional(),
  /** Keyed hash of client IP + user agent, per round (never the address itself). */
  clientHash: z.string().optional(),
  /** Paper forms: the operators who keyed it and the supervisor who resolved it (ids, never names). */
  keyedBy: z.array(z.string()).optional(),
  resolvedBy: z.string().optional(),
  paperFormId: z.string().optional(),
});
export type StoredSubmission = z.infer<typeof submissionItemSchema>;

// ---- paper forms (double entry) ----
const answersSchema = z.record(z.string(), z.unknown());
export const paperEntrySchema = z.object({
  by: z.string(),
  at: z.string(),
  answers: answersSchema,
});
export type PaperEntry = z.infer<typeof paperEntrySchema>;

export const PAPER_STATUSES = ['awaiting-second', 'mismatch', 'stored', 'refused'] as const;
export const paperFormItemSchema = z.object({
  formId: z.string(),
  tokenHash: z.string(),
  roundId: z.string(),
  sampleId: z.string(),
  unitCode: z.string(),
  fieldCode: z.string(),
  templateId: z.string(),
  status: z.enum(PAPER_STATUSES),
  doubleEntry: z.boolean(),
  first: paperEntrySchema,
  second: paperEntrySchema.optional(),
  mismatches: z
    .array(z.object({ questionId: z.string(), first: z.unknown(), second: z.unknown() }))
    .optional(),
  resolvedBy: z.string().optional(),
  resolvedAt: z.string().optional(),
  receiptId: z.string().optional(),
  storedAt: z.string().optional(),
  /** The form's own trail (shared/domain/double-entry.ts auditEntrySchema), oldest first. */
  trail: z.array(z.record(z.string(), z.unknown())),
  /** Optimistic lock: every update bumps it. */
  version: z.number().int(),
});
export type PaperFormRecord = z.infer<typeof paperFormItemSchema>;
export const paperFormKey = (tokenHash: string) => ({ pk: `PAPER#${tokenHash}`, sk: 'FORM' });
export const paperFormIndexKey = (p: Pick<PaperFormRecord, 'roundId' | 'unitCode' | 'formId'>) => ({
  gsi1pk: `PAPER#${p.roundId}`,
  gsi1sk: `${p.unitCode}#${p.formId}`,
});
export const parsePaperFormItem = (item: Record<string, unknown>): PaperFormRecord =>
  paperFormItemSchema.parse(stripKeys(item));

// ---- one-time codes ----
export const otpItemSchema = z.object({
  tokenHash: z.string(),
  roundId: z.string(),
  /** Keyed hash of the current code; absent once used. */
  codeHash: z.string().optional(),
  expiresAt: z.string(),
  /** Wrong codes typed for the current code. */
  attempts: z.number().int(),
  /** Codes sent in the current window, and when the window started. */
  sends: z.number().int(),
  windowStart: z.string(),
  lockedUntil: z.string().optional(),
  version: z.number().int(),
});
export type OtpRecord = z.infer<typeof otpItemSchema>;
export const otpKey = (tokenHash: string) => ({ pk: `OTP#${tokenHash}`, sk: 'OTP' });
export const parseOtpItem = (item: Record<string, unknown>): OtpRecord =>
  otpItemSchema.parse(stripKeys(item));

// ---- keys ----
/**
 * The "token hash" under which a rater form's answers about one target are stored: one submission per
 * (form, target), so that scoring counts it for that target like any one-unit form.
 */
export const raterTargetHash = (formTokenHash: string, targetCode: string): string =>
  sha256Hex(`rater-target:${formTokenHash}:${targetCode}`);

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
  /** The paper form being keyed for an assignment (by its token hash). */
  getPaperForm(tokenHash: string): Promise<PaperFormRecord | null>;
  /** Every paper form of the round. */
  listPaperForms(roundId: string): Promise<PaperFormRecord[]>;
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
    async getPaperForm(tokenHash) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: paperFormKey(tokenHash), ConsistentRead: true }),
      );
      return out.Item ? parsePaperFormItem(out.Item) : null;
    },
    async listPaperForms(roundId) {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `PAPER#${roundId}` },
      });
      return items.map(parsePaperFormItem);
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
