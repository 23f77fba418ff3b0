import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The server secret: a generated 64-character master key from which the application derives its
 * keys (HKDF with distinct `info` labels: form-token HMAC, PII field encryption). Functions that
 * declare `usesSecret` get its ARN in `DIEUTRA_SECRET_ARN` and read access to it.
 *
 * Retained and never rotated automatically: a new value would invalidate every printed form
 * token and make encrypted PII unreadable, so rotation is a planned, re-keying operation.
 */
export class AppSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'dieutra master key (form tokens, PII encryption)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
