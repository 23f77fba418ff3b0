/** CDK app entry (`cdk.json`: `npx tsx infra/app.ts`). Stage and options come from context. */
import { App } from 'aws-cdk-lib';
import { ALL_FUNCTIONS } from '../services/manifests.ts';
import { loadConfig } from './config.ts';
import { addDieutraStacks } from './stacks/dieutra-app.ts';

const app = new App();
addDieutraStacks(
  app,
  loadConfig((key) => app.node.tryGetContext(key)),
  ALL_FUNCTIONS,
);
app.synth();
