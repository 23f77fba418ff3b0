/** Synthesizes the real app for tests, with the context of cdk.json (feature flags included). */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../infra/config.ts';
import { repoPath } from '../../infra/constructs/paths.ts';
import { addDieutraStacks, type DieutraStacks } from '../../infra/stacks/dieutra-app.ts';
import { ALL_FUNCTIONS } from '../../services/manifests.ts';

const cdkJsonContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface SynthOptions {
  context?: Record<string, unknown>;
  /** Real esbuild bundling of every function (slow); off by default. */
  bundle?: boolean;
}

export interface SynthesizedApp extends DieutraStacks {
  app: App;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

export const synthApp = (options: SynthOptions = {}): SynthesizedApp => {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'dieutra-cdk-')),
    context: {
      ...cdkJsonContext(),
      // Skipping bundling leaves the asset pointing at the source; everything else synthesizes as usual.
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const stacks = addDieutraStacks(
    app,
    loadConfig((key) => app.node.tryGetContext(key)),
    ALL_FUNCTIONS,
  );
  return {
    app,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
};
