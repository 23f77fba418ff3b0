/**
 * AWS SDK clients, created once per module (outside handlers) and pointed at the local
 * engines when the local runtime sets their endpoints.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { platformConfig } from './config.ts';

let ddbDoc: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;

export const dynamo = (): DynamoDBDocumentClient => {
  if (!ddbDoc) {
    const cfg = platformConfig();
    const base = new DynamoDBClient({
      region: cfg.AWS_REGION,
      ...(cfg.DIEUTRA_ENDPOINT_DYNAMODB ? { endpoint: cfg.DIEUTRA_ENDPOINT_DYNAMODB } : {}),
      maxAttempts: 5,
    });
    ddbDoc = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }
  return ddbDoc;
};

export const sqsClient = (): SQSClient => {
  if (!sqs) {
    const cfg = platformConfig();
    sqs = new SQSClient({
      region: cfg.AWS_REGION,
      // fauxqs returns queue URLs on a *.localhost host: keep the explicit endpoint.
      ...(cfg.DIEUTRA_ENDPOINT_SQS
        ? { endpoint: cfg.DIEUTRA_ENDPOINT_SQS, useQueueUrlAsEndpoint: false }
        : {}),
      maxAttempts: 5,
    });
  }
  return sqs;
};
