/**
 * The only writer of the `assessments` table (contract, keys and schemas: shared/tables/assessments.ts).
 * Every change is one transaction: the entry (if any), the unit's new state (conditional on the state
 * it was computed from, so two concurrent changes cannot both win) and its audit entry.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type RoundAuditEntry, readAuditTrail } from '../../shared/contracts/audit.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { putIfAbsent } from '../../shared/platform/dynamo.ts';
import { ConflictError } from '../../shared/platform/errors.ts';
import {
  type AssessmentEntry,
  type AssessmentSetup,
  type AssessmentsReader,
  assessmentEntrySchema,
  assessmentSetupSchema,
  assessmentsReader,
  criteriaIndexKey,
  criteriaKey,
  criteriaVersionItemSchema,
  entryKey,
  type StoredCriteria,
  setupKey,
  type UnitAssessmentState,
  unitAssessmentStateSchema,
  unitStateKey,
} from '../../shared/tables/assessments.ts';

export interface UnitChange {
  entry?: AssessmentEntry;
  state: UnitAssessmentState;
  /** `updatedAt` of the state this change was computed from; null = the unit had none. */
  previousUpdatedAt: string | null;
  audit: RoundAuditEntry;
}

export interface AssessmentStore extends AssessmentsReader {
  /** Writes the version unless id+version exists. */
  putCriteriaIfAbsent(c: StoredCriteria): Promise<boolean>;
  /** Attaches (or re-attaches) the round's criteria; refused when `expectedAttachedAt` is stale. */
  putSetup(setup: AssessmentSetup, expectedAttachedAt: string | null, audit: RoundAuditEntry): Promise<void>;
  applyUnitChange(roundId: string, change: UnitChange): Promise<void>;
  readAudit(roundId: string): Promise<RoundAuditEntry[]>;
}

const stale = () =>
  new ConflictError(
    'CONCURRENT_CHANGE',
    'Bản tự đánh giá vừa được người khác thay đổi; vui lòng tải lại và thử lại.',
  );

export const assessmentStore = (): AssessmentStore => {
  const table = tableName('assessments');
  const db = dynamo();
  const reader = assessmentsReader();
  const guarded = (previous: string | null) =>
    previous === null
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'updatedAt = :prev',
          ExpressionAttributeValues: { ':prev': previous },
        };
  return {
    ...reader,
    async putCriteriaIfAbsent(c) {
      const item = criteriaVersionItemSchema.parse(c);
      return putIfAbsent(table, {
        ...criteriaKey(item.id, item.version),
        ...criteriaIndexKey(item.id, item.version),
        ...item,
      });
    },
    async putSetup(setup, expectedAttachedAt, audit) {
      const item = assessmentSetupSchema.parse(setup);
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { ...setupKey(item.roundId), ...item },
                  ...(expectedAttachedAt === null
                    ? { ConditionExpression: 'attribute_not_exists(pk)' }
                    : {
                        ConditionExpression: 'attachedAt = :prev',
                        ExpressionAttributeValues: { ':prev': expectedAttachedAt },
                      }),
                },
              },
              { Put: { TableName: table, Item: auditItem(audit) } },
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) throw stale();
        throw error;
      }
    },
    async applyUnitChange(roundId, change) {
      const state = unitAssessmentStateSchema.parse(change.state);
      const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
        {
          Put: {
            TableName: table,
            Item: { ...unitStateKey(roundId, state.unitCode), ...state },
            ...guarded(change.previousUpdatedAt),
          },
        },
        { Put: { TableName: table, Item: auditItem(change.audit) } },
      ];
      if (change.entry) {
        const entry = assessmentEntrySchema.parse(change.entry);
        items.unshift({
          Put: {
            TableName: table,
            Item: { ...entryKey(roundId, entry), ...entry },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException)
          throw stale();
        throw error;
      }
    },
    readAudit: (roundId) => readAuditTrail('assessments', roundId),
  };
};
