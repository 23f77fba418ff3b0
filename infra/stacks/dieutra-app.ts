import { type App, Tags } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import type { DeployConfig } from '../config.ts';
import { ConsoleStack } from './console-stack.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface DieutraStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
  console: ConsoleStack;
}

/**
 * Adds both stacks of one stage to `app`. Environment-agnostic on purpose (no `env`): nothing is
 * looked up in an account at synth time, so `cdk synth` runs offline; the account and region come
 * from the credentials at deploy time.
 */
export const addDieutraStacks = (
  app: App,
  config: DeployConfig,
  functions: readonly FunctionManifest[],
): DieutraStacks => {
  const prefix = `dieutra-${config.stage}`;
  Tags.of(app).add('project', 'dieutra');
  Tags.of(app).add('stage', config.stage);
  const external = config.jwtIssuer && config.jwtAudience;
  const stateful = new StatefulStack(app, `${prefix}-stateful`, {
    stage: config.stage,
    description: `dieutra ${config.stage}: tables, queues, uploads bucket, secret`,
    terminationProtection: config.stage === 'prod',
    createOpsIdentity: !external,
    ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
  });
  const identity = stateful.opsIdentity;
  const jwt =
    config.jwtIssuer && config.jwtAudience
      ? { issuer: config.jwtIssuer, audience: config.jwtAudience }
      : { issuer: identity!.issuer, audience: [identity!.client.userPoolClientId] };
  const stateless = new StatelessStack(app, `${prefix}-stateless`, {
    stage: config.stage,
    description: `dieutra ${config.stage}: functions, HTTP API, schedules`,
    functions,
    resources: stateful.resources,
    jwt,
    throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
    logRetention: config.logRetentionDays as RetentionDays,
    ...(identity ? { opsUserPool: identity.userPool } : {}),
  });
  const consoleStack = new ConsoleStack(app, `${prefix}-console`, {
    description: `dieutra ${config.stage}: the ops console's files (console/dist) and config.json`,
    site: stateless.console,
  });
  return { stateful, stateless, console: consoleStack };
};
