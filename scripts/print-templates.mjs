#!/usr/bin/env node
// Prints every stack template of the last `cdk synth` (cdk.out), one after another, each under a
// header line, so `npm run synth` shows both stacks (the CDK CLI prints a template only when a
// single stack is selected).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'cdk.out';
const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
const stacks = Object.entries(manifest.artifacts ?? {}).filter(
  ([, a]) => a.type === 'aws:cloudformation:stack',
);
for (const [name, artifact] of stacks) {
  const template = JSON.parse(readFileSync(join(out, artifact.properties.templateFile), 'utf8'));
  const resources = Object.keys(template.Resources ?? {}).length;
  console.log(`# ${name} — ${resources} resources`);
  console.log(JSON.stringify(template, null, 2));
}
if (stacks.length === 0) {
  console.error('✖ cdk.out holds no stack: run `npx cdk synth` first');
  process.exit(1);
}
