/** The only writer of the `rounds` table (contract: shared/tables/rounds.ts). */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type RoundAuditEntry } from '../../shared/contracts/audit.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { putIfAbsent, queryAll, queryPrefix } from '../../shared/platform/dynamo.ts';
import {
  CATALOGUES_INDEX_PK,
  catalogueIndexKey,
  catalogueItemSchema,
  catalogueKey,
  parseCatalogueItem,
  parseQuestionnaireItem,
  parseReminderItem,
  parseRoundItem,
  QUESTIONNAIRES_INDEX_PK,
  questionnaireIndexKey,
  questionnaireItemSchema,
  questionnaireKey,
  type ReminderRecord,
  ROUNDS_INDEX_PK,
  type Round,
  reminderItemSchema,
  reminderKey,
  roundIndexKey,
  roundItemSchema,
  roundKey,
  type StoredCatalogue,
  type StoredQuestionnaire,
} from '../../shared/tables/rounds.ts';

export interface RoundStore {
  /** Writes the round unless its id exists; returns the stored round either way. */
  putIfAbsent(round: Round): Promise<{ created: boolean; round: Round }>;
  get(roundId: string): Promise<Round | null>;
  /** The newest rounds first. */
  list(limit: number): Promise<Round[]>;
  /** Every round, all pages (scheduled jobs). */
  listAll(): Promise<Round[]>;
  /**
   * Sets the round's fields `set` and writes the audit entry in one transaction, only if the stored
   * status is still one of `expectStatus` (and, with `requireNoSeed`, no seed is fixed yet). Returns
   * false when that condition failed (someone else changed the round first).
   */
  updateIf(
    roundId: string,
    expect: { status: readonly string[]; requireNoSeed?: boolean },
    set: Partial<Pick<Round, 'status' | 'schedule' | 'seed' | 'lastTransition'>>,
    audit: RoundAuditEntry,
  ): Promise<boolean>;
}

export interface CatalogueStore {
  /** Writes the version unless id+version exists; false when the number was taken. */
  putCatalogueIfAbsent(c: StoredCatalogue): Promise<boolean>;
  getCatalogue(id: string, version: number): Promise<StoredCatalogue | null>;
  listCatalogueVersions(id: string): Promise<StoredCatalogue[]>;
  listCatalogues(): Promise<StoredCatalogue[]>;
}

export interface ReminderStore {
  listReminders(roundId: string, runDay?: string): Promise<ReminderRecord[]>;
  /** Claims one respondent's reminder of a run (with its audit entry); false when already claimed. */
  claimReminder(r: ReminderRecord, audit: RoundAuditEntry): Promise<boolean>;
  markReminder(
    r: Pick<ReminderRecord, 'roundId' | 'runDay' | 'tokenHash'>,
    outcome: { status: 'sent'; notificationId: string; at: string } | { status: 'failed'; failure: string },
  ): Promise<void>;
}

const isConditionFailure = (error: unknown) =>
  error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException;

export const catalogueStore = (): CatalogueStore => {
  const table = tableName('rounds');
  return {
    async putCatalogueIfAbsent(c) {
      const item = catalogueItemSchema.parse(c);
      return putIfAbsent(table, {
        ...catalogueKey(item.id, item.version),
        ...catalogueIndexKey(item.id, item.version),
        ...item,
      });
    },
    async getCatalogue(id, version) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: catalogueKey(id, version), ConsistentRead: true }),
      );
      return out.Item ? parseCatalogueItem(out.Item) : null;
    },
    async listCatalogueVersions(id) {
      return (await queryPrefix(table, catalogueKey(id, 1).pk, 'V#')).map(parseCatalogueItem);
    },
    async listCatalogues() {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': CATALOGUES_INDEX_PK },
      });
      return items.map(parseCatalogueItem);
    },
  };
};

export const reminderStore = (): ReminderStore => {
  const table = tableName('rounds');
  return {
    async listReminders(roundId, runDay) {
      const pk = reminderKey(roundId, '', '').pk;
      const items = runDay
        ? await queryPrefix(table, pk, `${runDay}#`)
        : await queryAll({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          });
      return items.map(parseReminderItem);
    },
    async claimReminder(r, audit) {
      const item = reminderItemSchema.parse(r);
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { ...reminderKey(item.roundId, item.runDay, item.tokenHash), ...item },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: table, Item: auditItem(audit) } },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async markReminder(r, outcome) {
      const names: Record<string, string> = { '#s': 'status' };
      const values: Record<string, unknown> = { ':s': outcome.status };
      let expression = 'SET #s = :s';
      if (outcome.status === 'sent') {
        names['#n'] = 'notificationId';
        names['#a'] = 'sentAt';
        values[':n'] = outcome.notificationId;
        values[':a'] = outcome.at;
        expression += ', #n = :n, #a = :a REMOVE failure';
      } else {
        names['#f'] = 'failure';
        values[':f'] = outcome.failure;
        expression += ', #f = :f';
      }
      await dynamo().send(
        new UpdateCommand({
          TableName: table,
          Key: reminderKey(r.roundId, r.runDay, r.tokenHash),
          UpdateExpression: expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },
  };
};

export interface QuestionnaireStore {
  /** Writes the version unless id+version exists; returns the stored version either way. */
  putQuestionnaireIfAbsent(
    q: StoredQuestionnaire,
  ): Promise<{ created: boolean; questionnaire: StoredQuestionnaire }>;
  getQuestionnaire(id: string, version: number): Promise<StoredQuestionnaire | null>;
  listQuestionnaires(): Promise<StoredQuestionnaire[]>;
}

export const questionnaireStore = (): QuestionnaireStore => {
  const table = tableName('rounds');
  const getQuestionnaire = async (id: string, version: number) => {
    const out = await dynamo().send(
      new GetCommand({ TableName: table, Key: questionnaireKey(id, version), ConsistentRead: true }),
    );
    return out.Item ? parseQuestionnaireItem(out.Item) : null;
  };
  return {
    getQuestionnaire,
    async putQuestionnaireIfAbsent(q) {
      const item = questionnaireItemSchema.parse(q);
      const created = await putIfAbsent(table, {
        ...questionnaireKey(item.id, item.version),
        ...questionnaireIndexKey(item.id, item.version),
        ...item,
      });
      if (created) return { created, questionnaire: item };
      const existing = await getQuestionnaire(item.id, item.version);
      if (!existing) throw new Error(`questionnaire ${item.id}: conditional write refused but no item found`);
      return { created, questionnaire: existing };
    },
    async listQuestionnaires() {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': QUESTIONNAIRES_INDEX_PK },
      });
      return items.map(parseQuestionnaireItem);
    },
  };
};

export const roundStore = (): RoundStore => {
  const table = tableName('rounds');
  const get = async (roundId: string): Promise<Round | null> => {
    const out = await dynamo().send(
      new GetCommand({ TableName: table, Key: roundKey(roundId), ConsistentRead: true }),
    );
    return out.Item ? parseRoundItem(out.Item) : null;
  };
  return {
    get,
    async putIfAbsent(round) {
      // Parsed before writing: the item on disk always satisfies the contract.
      const item = roundItemSchema.parse(round);
      const created = await putIfAbsent(table, { ...roundKey(item.id), ...roundIndexKey(item), ...item });
      if (created) return { created, round: item };
      const existing = await get(item.id);
      if (!existing) throw new Error(`round ${item.id}: conditional write refused but no item found`);
      return { created, round: existing };
    },
    async list(limit) {
      const out = await dynamo().send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': ROUNDS_INDEX_PK },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(parseRoundItem);
    },
    async listAll() {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': ROUNDS_INDEX_PK },
      });
      return items.map(parseRoundItem);
    },
    async updateIf(roundId, expect, set, audit) {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      for (const [key, value] of Object.entries(set)) {
        if (value === undefined) continue;
        names[`#${key}`] = key;
        values[`:${key}`] = value;
        sets.push(`#${key} = :${key}`);
      }
      const expected = expect.status.map((s, i) => {
        values[`:e${i}`] = s;
        return `:e${i}`;
      });
      let condition = `attribute_exists(pk) AND #status IN (${expected.join(', ')})`;
      if (expect.requireNoSeed) {
        names['#seedAttr'] = 'seed';
        condition += ' AND attribute_not_exists(#seedAttr)';
      }
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: roundKey(roundId),
                  UpdateExpression: `SET ${sets.join(', ')}`,
                  ConditionExpression: condition,
                  ExpressionAttributeNames: names,
                  ExpressionAttributeValues: values,
                },
              },
              { Put: { TableName: table, Item: auditItem(audit) } },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
};
