/**
 * AWS SDK clients, created once per module (outside handlers) and pointed at the local
 * engines when the local runtime sets their endpoints.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { platformConfig } from './config.ts';

let ddbDoc: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let s3: S3Client | undefined;
let s3Presign: S3Client | undefined;

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

const s3Of = (endpoint: string | undefined): S3Client =>
  new S3Client({
    region: platformConfig().AWS_REGION,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    // A presigned PUT must not carry a checksum of an empty body (the SDK's default would add one).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 5,
  });

export const s3Client = (): S3Client => {
  s3 ??= s3Of(platformConfig().DIEUTRA_ENDPOINT_S3);
  return s3;
};

/** The client that signs upload URLs: locally their origin is the gateway (same origin as the console). */
export const s3PresignClient = (): S3Client => {
  const cfg = platformConfig();
  s3Presign ??= s3Of(cfg.DIEUTRA_PUBLIC_S3_ENDPOINT ?? cfg.DIEUTRA_ENDPOINT_S3);
  return s3Presign;
};
