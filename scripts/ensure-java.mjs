#!/usr/bin/env node
// Makes sure a Java runtime is present for DynamoDB Local (run by `npm start` and `npm test`).
import { spawnSync } from 'node:child_process';
import { ensureDebianPackage } from './lib/ensure-debian-package.mjs';

ensureDebianPackage({
  present: () => {
    const result = spawnSync('java', ['-version'], { stdio: 'ignore' });
    return result.error === undefined && result.status === 0;
  },
  packages: ['default-jre-headless'],
  what: 'Java',
  why: 'Cần Java 17+ cho DynamoDB Local / Java 17+ is required for DynamoDB Local',
  progress: 'Java chưa có — đang cài default-jre-headless / installing Java (default-jre-headless)…',
});
