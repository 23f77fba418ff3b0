import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES, type TableDef, type TableName } from '../../shared/platform/resources.ts';

/**
 * One DynamoDB table per bounded context, built from `TABLES` (shared with the local runtime).
 *
 * Encryption: the AWS-managed key (`aws/dynamodb`) rather than a customer-managed one. Every use is
 * logged in CloudTrail like a CMK's, it costs nothing, and it keeps key policies out of the
 * cross-stack grants; PII columns are additionally encrypted by the application with keys derived
 * from the app secret, so revoking access does not depend on a table key. Switch to
 * `TableEncryption.CUSTOMER_MANAGED` if a regulator asks for customer-controlled rotation.
 *
 * Physical names are left to CloudFormation (functions get them through `tableEnvVar`), so two
 * stages can share an account and a table can be replaced without a name clash.
 */
export class DataTables extends Construct {
  readonly tables: Record<TableName, Table>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const entries = Object.values(TABLES).map((def) => [def.name, this.createTable(def)] as const);
    this.tables = Object.fromEntries(entries) as Record<TableName, Table>;
  }

  private createTable(def: TableDef): Table {
    const table = new Table(this, def.name, {
      partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
      sortKey: { name: def.sortKey, type: AttributeType.STRING },
      // Survey waves are bursty (a whole province submits in a few days, then nothing): on-demand.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
    });
    for (const index of def.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }
}
