/** DynamoDB Local as the integration tests read it behind the API: a document client, item counts. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { tableEnvVar } from '../../../shared/platform/resources.ts';

export const documentClient = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: process.env.AWS_REGION ?? 'ap-southeast-1',
    }),
  );

/** How many items of the round's partition in the respondents table have a sort key starting `prefix` (every page). */
export const countRoundItems = async (roundId: string, prefix: string): Promise<number> => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('respondents')],
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':p': prefix },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
};
