/** The only writer of the `rounds` table (contract: shared/tables/rounds.ts). */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { putIfAbsent, queryAll } from '../../shared/platform/dynamo.ts';
import {
  parseQuestionnaireItem,
  parseRoundItem,
  QUESTIONNAIRES_INDEX_PK,
  questionnaireIndexKey,
  questionnaireItemSchema,
  questionnaireKey,
  ROUNDS_INDEX_PK,
  type Round,
  roundIndexKey,
  roundItemSchema,
  roundKey,
  type StoredQuestionnaire,
} from '../../shared/tables/rounds.ts';

export interface RoundStore {
  /** Writes the round unless its id exists; returns the stored round either way. */
  putIfAbsent(round: Round): Promise<{ created: boolean; round: Round }>;
  get(roundId: string): Promise<Round | null>;
  /** The newest rounds first. */
  list(limit: number): Promise<Round[]>;
}

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
  };
};
