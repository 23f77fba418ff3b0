/**
 * The only writer of the `samples` table (contract, keys and item schemas: shared/tables/samples.ts).
 * Reads go through the contract's reader. Audit entries of sampling's changes go into this table too
 * (shared/contracts/audit.ts), in the same call or transaction as the change.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, putAuditEntry, type RoundAuditEntry } from '../../shared/contracts/audit.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { batchPutAll, putIfAbsent } from '../../shared/platform/dynamo.ts';
import { ConflictError } from '../../shared/platform/errors.ts';
import {
  type Assignment,
  assignmentItemSchema,
  assignmentKey,
  codeKey,
  manifestKey,
  type RaterForm,
  type RaterFormsManifest,
  raterCodeKey,
  raterFormItemSchema,
  raterFormKey,
  raterFormsKey,
  raterFormsManifestSchema,
  raterTokenKey,
  type SampleManifest,
  type SamplesReader,
  sampleManifestItemSchema,
  samplesReader,
  tokenKey,
} from '../../shared/tables/samples.ts';

export type DrawResult = Required<
  Pick<SampleManifest, 'rosterHash' | 'dossiers' | 'strata' | 'totals' | 'completedAt'>
>;

export interface Substitution {
  roundId: string;
  replaced: Assignment;
  reserve: Assignment;
  at: string;
  reason: string;
  audit: RoundAuditEntry;
}

export interface SampleStore extends SamplesReader {
  /** Puts the manifest only if absent (one sample per identical request) and audits SAMPLE_REQUESTED. */
  createManifest(manifest: SampleManifest): Promise<boolean>;
  /** Marks `oldId` superseded by `newId` and audits SAMPLE_SUPERSEDED (who, when, why). */
  supersede(
    roundId: string,
    oldId: string,
    newId: string,
    by: { at: string; by: string; reason: string },
  ): Promise<void>;
  /** Deterministic puts: a redelivered draw rewrites identical items. */
  putAssignments(assignments: readonly Assignment[]): Promise<void>;
  completeManifest(roundId: string, sampleId: string, result: DrawResult): Promise<void>;
  /**
   * One transaction: the replaced assignment (and its TOKEN#/CODE# items) revoked, the reserve (and
   * its items) activated, the audit entry put. Conditions on both statuses: a concurrent second
   * substitution of the same person or reserve fails with 409 SUBSTITUTION_CONFLICT.
   */
  substitute(s: Substitution): Promise<void>;
  /** An audit entry without a change of its own (LIST_DOWNLOADED). */
  recordAudit(entry: RoundAuditEntry): Promise<void>;
  /**
   * PAR rater forms: the forms and their token/code lookups first (deterministic puts: a retry
   * rewrites identical items), then the manifest only if absent (so identical requests make one set)
   * and its audit entry RATER_FORMS_CREATED. Returns false when the set existed already.
   */
  createRaterForms(manifest: RaterFormsManifest, forms: readonly RaterForm[]): Promise<boolean>;
}

const itemsOf = (a: Assignment): Record<string, unknown>[] => {
  const item = assignmentItemSchema.parse(a);
  return [
    { ...assignmentKey(item), ...item },
    { ...tokenKey(item.tokenHash), ...item },
    ...(item.codeHash ? [{ ...codeKey(item.codeHash), ...item }] : []),
  ];
};

const raterFormItems = (f: RaterForm): Record<string, unknown>[] => {
  const item = raterFormItemSchema.parse(f);
  return [
    { ...raterFormKey(item.formsId, item.raterKey), ...item },
    { ...raterTokenKey(item.tokenHash), ...item },
    { ...raterCodeKey(item.codeHash), ...item },
  ];
};

export const sampleStore = (): SampleStore => {
  const table = tableName('samples');
  return {
    ...samplesReader(),

    async createManifest(m) {
      const created = await putIfAbsent(table, {
        ...manifestKey(m.roundId, m.sampleId),
        ...sampleManifestItemSchema.parse(m),
      });
      if (created) {
        await putAuditEntry('samples', {
          roundId: m.roundId,
          at: m.requestedAt,
          id: `${m.sampleId}-requested`,
          by: m.requestedBy,
          service: 'sampling',
          action: 'SAMPLE_REQUESTED',
          target: m.sampleId,
          ...(m.reason ? { reason: m.reason } : {}),
          details: {
            seedSource: m.seedSource ?? 'request',
            officialPerStratum: m.officialPerStratum,
            reservePerStratum: m.reservePerStratum,
            ...(m.quotaPolicy ? { quotaPolicy: m.quotaPolicy } : {}),
            ...(m.supersedes ? { supersedes: m.supersedes } : {}),
          },
        });
      }
      return created;
    },

    async supersede(roundId, oldId, newId, who) {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: manifestKey(roundId, oldId),
                UpdateExpression: 'SET #b = :b, #a = :a',
                ExpressionAttributeNames: { '#b': 'supersededBy', '#a': 'supersededAt' },
                ExpressionAttributeValues: { ':b': newId, ':a': who.at },
              },
            },
            {
              Put: {
                TableName: table,
                Item: auditItem({
                  roundId,
                  at: who.at,
                  id: `${oldId}-superseded`,
                  by: who.by,
                  service: 'sampling',
                  action: 'SAMPLE_SUPERSEDED',
                  target: oldId,
                  reason: who.reason,
                  details: { supersededBy: newId },
                }),
              },
            },
          ],
        }),
      );
    },

    async putAssignments(assignments) {
      await batchPutAll(table, assignments.flatMap(itemsOf));
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

    async recordAudit(entry) {
      await putAuditEntry('samples', entry);
    },

    async createRaterForms(m, forms) {
      await batchPutAll(table, forms.flatMap(raterFormItems));
      const created = await putIfAbsent(table, {
        ...raterFormsKey(m.roundId, m.formsId),
        ...raterFormsManifestSchema.parse(m),
      });
      if (created) {
        await putAuditEntry('samples', {
          roundId: m.roundId,
          at: m.createdAt,
          id: `${m.formsId}-created`,
          by: m.createdBy,
          service: 'sampling',
          action: 'RATER_FORMS_CREATED',
          target: m.formsId,
          details: { matrixId: m.matrixId, raters: m.raters, forms: m.forms, ratings: m.ratings },
        });
      }
      return created;
    },

    async substitute(s) {
      const revoked: Assignment = {
        ...s.replaced,
        status: 'revoked',
        revokedAt: s.at,
        revokedReason: s.reason,
        replacedBy: assignmentKey(s.reserve).sk,
      };
      const activated: Assignment = { ...s.reserve, status: 'active', activatedAt: s.at };
      const put = (item: Record<string, unknown>, expected: 'active' | 'inactive', legacyList: string) => ({
        Put: {
          TableName: table,
          Item: item,
          // Items written before `status` existed read as active (official) / inactive (reserve).
          ConditionExpression: '#st = :st OR (attribute_not_exists(#st) AND #l = :l)',
          ExpressionAttributeNames: { '#st': 'status', '#l': 'list' },
          ExpressionAttributeValues: { ':st': expected, ':l': legacyList },
        },
      });
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              ...itemsOf(revoked).map((i) => put(i, 'active', 'official')),
              ...itemsOf(activated).map((i) => put(i, 'inactive', 'reserve')),
              { Put: { TableName: table, Item: auditItem(s.audit) } },
            ],
          }),
        );
      } catch (error) {
        if (
          error instanceof TransactionCanceledException ||
          error instanceof ConditionalCheckFailedException
        ) {
          throw new ConflictError(
            'SUBSTITUTION_CONFLICT',
            'Người này hoặc người dự phòng vừa được thay bởi thao tác khác; hãy tải lại lịch sử tầng.',
          );
        }
        throw error;
      }
    },
  };
};
