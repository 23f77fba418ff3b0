import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { dlqName, QUEUES, type QueueDef, type QueueName } from '../../shared/platform/resources.ts';

export interface WorkQueuesProps {
  alarmTopic: ITopic;
}

/** Source queues keep messages 4 days (the SQS default). */
const SOURCE_RETENTION = Duration.days(4);
/**
 * A standard queue keeps a message's original enqueue time when it moves to the DLQ, so the DLQ
 * must keep messages longer than the source; 14 days is the SQS maximum.
 */
const DLQ_RETENTION = Duration.days(14);

/**
 * Each queue of `QUEUES` with its dead-letter queue and an alarm on the DLQ. SQS-managed
 * encryption (SSE-SQS): no key policy to keep in step with producers and consumers, and messages
 * carry ids, not PII.
 */
export class WorkQueues extends Construct {
  readonly queues: Record<QueueName, Queue>;
  readonly deadLetterQueues: Record<QueueName, Queue>;

  constructor(scope: Construct, id: string, props: WorkQueuesProps) {
    super(scope, id);
    const queues = {} as Record<QueueName, Queue>;
    const deadLetterQueues = {} as Record<QueueName, Queue>;
    for (const def of Object.values(QUEUES)) {
      const dlq = this.createDeadLetterQueue(def, props.alarmTopic);
      deadLetterQueues[def.name] = dlq;
      queues[def.name] = new Queue(this, def.name, {
        visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
        retentionPeriod: SOURCE_RETENTION,
        deadLetterQueue: { queue: dlq, maxReceiveCount: def.maxReceiveCount },
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;
  }

  private createDeadLetterQueue(def: QueueDef, alarmTopic: ITopic): Queue {
    const name = dlqName(def.name);
    const dlq = new Queue(this, name, {
      retentionPeriod: DLQ_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    // Any message in a DLQ is a record that was not processed: alarm on the first one.
    const alarm = new Alarm(this, `${name}-alarm`, {
      alarmDescription: `Messages in ${name}: records of ${def.name} failed ${def.maxReceiveCount} times`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(alarmTopic));
    return dlq;
  }
}
