import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BucketName } from '../../shared/platform/resources.ts';

/** Raw roster files are parsed into the respondents table; the originals are kept this long for audits. */
const RAW_UPLOAD_EXPIRY = Duration.days(30);

/**
 * The buckets of `BUCKET_NAMES` (today only `uploads`: large roster files arrive here through
 * presigned URLs instead of a Lambda payload, whose limit is 6 MB).
 */
export class UploadBuckets extends Construct {
  readonly buckets: Record<BucketName, Bucket>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const uploads = new Bucket(this, 'uploads', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-raw-uploads', expiration: RAW_UPLOAD_EXPIRY },
        // A browser that gives up mid-upload leaves invisible, billed parts behind.
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Ops pages PUT large rosters straight to a presigned URL; the URL itself is the authorisation.
      cors: [
        { allowedMethods: [HttpMethods.PUT, HttpMethods.POST], allowedOrigins: ['*'], allowedHeaders: ['*'] },
      ],
    });
    this.buckets = { uploads };
  }
}
