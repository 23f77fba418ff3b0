import { Duration, TimeZone } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';

export interface FunctionScheduleProps {
  fn: IFunction;
  /** Manifest expression; by the manifest's convention cron fields are in UTC. */
  expression: string;
  payload?: Record<string, unknown>;
  description: string;
}

/**
 * An EventBridge Scheduler schedule that invokes one function with the manifest's payload. The
 * target creates a role that scheduler.amazonaws.com (this account only) may assume and that may
 * only invoke this function.
 *
 * Time zone: the expression is evaluated in UTC, exactly as the local ticker does, so one manifest
 * means the same instant everywhere. Vietnam (Asia/Ho_Chi_Minh) is UTC+7 all year with no daylight
 * saving, so "02:00 in Hà Nội" is written `cron(0 19 * * ? *)` and never shifts.
 */
export class FunctionSchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: FunctionScheduleProps) {
    super(scope, id);
    const target = new LambdaInvoke(props.fn, {
      ...(props.payload ? { input: ScheduleTargetInput.fromObject(props.payload) } : {}),
      // A nightly job that is hours late is better skipped: the next night recomputes everything.
      maxEventAge: Duration.hours(2),
      retryAttempts: 3,
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: props.description,
      schedule: ScheduleExpression.expression(props.expression, TimeZone.ETC_UTC),
      target,
    });
  }
}
