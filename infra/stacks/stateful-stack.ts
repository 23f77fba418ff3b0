import { Stack, type StackProps } from 'aws-cdk-lib';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { BUCKET_NOTIFICATIONS } from '../../shared/platform/resources.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { AppSecret } from '../constructs/app-secret.ts';
import { DataTables } from '../constructs/data-tables.ts';
import { OpsIdentity } from '../constructs/ops-identity.ts';
import type { PlatformResources } from '../constructs/service-function.ts';
import { UploadBuckets } from '../constructs/upload-buckets.ts';
import { WorkQueues } from '../constructs/work-queues.ts';

export interface StatefulStackProps extends StackProps {
  stage: string;
  alarmEmail?: string;
  /** Create the Cognito user pool for ops staff (when no external JWT issuer is configured). */
  createOpsIdentity: boolean;
}

/**
 * Everything that holds data or identity and must outlive a redeploy: tables, queues, the uploads
 * bucket, the master secret, the ops user pool. Deployed rarely; the stateless stack reads it.
 */
export class StatefulStack extends Stack {
  readonly resources: PlatformResources;
  readonly opsIdentity?: OpsIdentity;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const alarms = new AlarmTopic(this, 'Alarms', props.alarmEmail ? { email: props.alarmEmail } : {});
    const tables = new DataTables(this, 'Tables');
    const queues = new WorkQueues(this, 'Queues', { alarmTopic: alarms.topic });
    const buckets = new UploadBuckets(this, 'Buckets');
    // Object created under a prefix → its queue (e.g. presigned rosters → roster-uploads). CDK
    // configures it through its BucketNotificationsHandler custom resource, and lets S3 (this
    // bucket only) send to the queue.
    for (const n of BUCKET_NOTIFICATIONS) {
      buckets.buckets[n.bucket].addEventNotification(
        EventType.OBJECT_CREATED,
        new SqsDestination(queues.queues[n.queue]),
        { prefix: n.prefix },
      );
    }
    const secret = new AppSecret(this, 'AppSecret');
    if (props.createOpsIdentity)
      this.opsIdentity = new OpsIdentity(this, 'OpsIdentity', { stage: props.stage });
    this.resources = {
      tables: tables.tables,
      queues: queues.queues,
      buckets: buckets.buckets,
      secret: secret.secret,
      alarmTopic: alarms.topic,
    };
  }
}
