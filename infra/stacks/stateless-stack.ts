import { Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import { Service } from '../constructs/service.ts';
import { ServiceApi, type ServiceApiProps } from '../constructs/service-api.ts';
import type { PlatformResources, ServiceFunction } from '../constructs/service-function.ts';

export interface StatelessStackProps extends StackProps {
  stage: string;
  functions: readonly FunctionManifest[];
  resources: PlatformResources;
  jwt: ServiceApiProps['jwt'];
  throttle: ServiceApiProps['throttle'];
  logRetention: RetentionDays;
}

/** Code and wiring, safe to destroy and redeploy: one `Service` per service folder, behind one HTTP API. */
export class StatelessStack extends Stack {
  readonly api: ServiceApi;
  /** Every function, by manifest name. */
  readonly functions: ReadonlyMap<string, ServiceFunction>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.api = new ServiceApi(this, 'Api', {
      stage: props.stage,
      jwt: props.jwt,
      throttle: props.throttle,
      logRetention: props.logRetention,
    });
    const functions = new Map<string, ServiceFunction>();
    for (const [service, manifests] of groupByService(props.functions)) {
      const built = new Service(this, service, {
        stage: props.stage,
        functions: manifests,
        resources: props.resources,
        api: this.api,
        logRetention: props.logRetention,
      });
      for (const fn of built.functions) functions.set(fn.manifest.name, fn);
    }
    this.functions = functions;
  }
}

/** `Map.groupBy` is ES2024; the project targets ES2023. */
const groupByService = (manifests: readonly FunctionManifest[]): Map<string, FunctionManifest[]> => {
  const groups = new Map<string, FunctionManifest[]>();
  for (const m of manifests) groups.set(m.service, [...(groups.get(m.service) ?? []), m]);
  return groups;
};
