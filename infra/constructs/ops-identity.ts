import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccountRecovery, Mfa, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface OpsIdentityProps {
  stage: string;
}

/**
 * Ops staff accounts, used when no external identity provider is configured (`jwtIssuer`).
 * Lives in the stateful stack: the user pool holds people's accounts, which must survive a
 * redeploy or deletion of the stateless stack. Staff are invited by an administrator; there is
 * no self sign-up.
 */
export class OpsIdentity extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** Issuer of the pool's tokens, as the API's JWT authorizer expects it. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: OpsIdentityProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `dieutra-${props.stage}-ops`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireSymbols: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.client = this.userPool.addClient('OpsClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });
    this.issuer = `https://${this.userPool.userPoolProviderUrl}`;
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'ClientId', { value: this.client.userPoolClientId });
  }
}
