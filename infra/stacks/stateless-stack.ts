import { Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import { ConsoleSite } from '../constructs/console-site.ts';
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
  /** The ops user pool, when Cognito is the identity provider: the console signs in through it. */
  opsUserPool?: IUserPool;
}

/** Code and wiring, safe to destroy and redeploy: one `Service` per service folder, behind one HTTP API. */
export class StatelessStack extends Stack {
  readonly api: ServiceApi;
  /** Every function, by manifest name. */
  readonly functions: ReadonlyMap<string, ServiceFunction>;
  readonly console: ConsoleSite;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // The console's app client is created with the distribution (its callback URL), after the API:
    // the authorizer reads its id lazily.
    let consoleClientId: string | undefined;
    const audience = props.opsUserPool
      ? [...props.jwt.audience, Lazy.string({ produce: () => consoleClientId })]
      : props.jwt.audience;
    this.api = new ServiceApi(this, 'Api', {
      stage: props.stage,
      jwt: { issuer: props.jwt.issuer, audience },
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
    this.console = new ConsoleSite(this, 'Console', {
      stage: props.stage,
      api: this.api.api,
      ...(props.opsUserPool ? { userPool: props.opsUserPool } : {}),
    });
    consoleClientId = this.console.client?.userPoolClientId;
  }
}

/** `Map.groupBy` is ES2024; the project targets ES2023. */
const groupByService = (manifests: readonly FunctionManifest[]): Map<string, FunctionManifest[]> => {
  const groups = new Map<string, FunctionManifest[]>();
  for (const m of manifests) groups.set(m.service, [...(groups.get(m.service) ?? []), m]);
  return groups;
};
