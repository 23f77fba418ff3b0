import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Optional e-mail subscriber; more subscribers can be added in the console. */
  email?: string;
}

/**
 * One SNS topic every alarm notifies. Left without a customer-managed key on purpose: CloudWatch can
 * only publish to an encrypted topic through a CMK whose policy admits cloudwatch.amazonaws.com, and
 * alarm messages carry metric names, never survey data.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'dieutra alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
