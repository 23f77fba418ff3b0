import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import { FunctionSchedule } from './function-schedule.ts';
import type { ServiceApi } from './service-api.ts';
import { type PlatformResources, ServiceFunction } from './service-function.ts';

export interface ServiceProps {
  stage: string;
  /** The manifests of this one service. */
  functions: readonly FunctionManifest[];
  resources: PlatformResources;
  api: ServiceApi;
  logRetention: RetentionDays;
}

/** One service (a folder under services/): its functions, each wired to the trigger its manifest names. */
export class Service extends Construct {
  readonly functions: ServiceFunction[] = [];

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    for (const manifest of props.functions) {
      const fn = new ServiceFunction(this, manifest.name, {
        manifest,
        stage: props.stage,
        resources: props.resources,
        logRetention: props.logRetention,
      });
      this.wireTrigger(fn, props);
      this.functions.push(fn);
    }
  }

  private wireTrigger(fn: ServiceFunction, props: ServiceProps): void {
    const { trigger, name, description } = fn.manifest;
    switch (trigger.kind) {
      case 'http':
        props.api.addFunctionRoutes(fn, name, trigger.routes, trigger.auth);
        if (trigger.fallback) props.api.addDefaultRoute(fn, name);
        return;
      case 'queue':
        // Records are processed one by one; failed ones are returned in batchItemFailures and only
        // they are retried (then dead-lettered), not the whole batch.
        fn.addEventSource(
          new SqsEventSource(props.resources.queues[trigger.queue], {
            batchSize: trigger.batchSize,
            reportBatchItemFailures: true,
            ...(trigger.maxBatchingWindowSeconds !== undefined
              ? { maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds) }
              : {}),
          }),
        );
        return;
      case 'schedule':
        new FunctionSchedule(this, `${name}-schedule`, {
          fn,
          expression: trigger.expression,
          description,
          ...(trigger.payload ? { payload: trigger.payload } : {}),
        });
        return;
    }
  }
}
