#!/usr/bin/env node
// Makes sure a Java runtime is present for DynamoDB Local (run by `npm start` before the runtime).
// Plain Node ESM with no dependencies: it must also run on the machine's own Node (20).
// - Java present → silent no-op.
// - Missing, running as root → installs Debian's default-jre-headless quietly (one line of output).
// - Missing, not root → one clear line and exit 1.
import { spawnSync } from 'node:child_process';

const hasJava = () => {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
};

const run = (command, args) => {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0) {
    const detail = (result.stderr || result.error?.message || '').trim().split('\n').pop();
    throw new Error(`${command} ${args.join(' ')} failed${detail ? `: ${detail}` : ''}`);
  }
};

if (!hasJava()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    console.error(
      '✖ Cần Java 17+ cho DynamoDB Local — cài bằng `sudo apt-get install -y default-jre-headless` / Java 17+ is required for DynamoDB Local: install it, e.g. `sudo apt-get install -y default-jre-headless`',
    );
    process.exit(1);
  }
  console.log(
    '[setup] Java chưa có — đang cài default-jre-headless / installing Java (default-jre-headless)…',
  );
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'default-jre-headless']);
  } catch (error) {
    console.error(`✖ Không cài được Java / could not install Java: ${error.message}`);
    process.exit(1);
  }
  if (!hasJava()) {
    console.error('✖ Java vẫn chưa chạy được sau khi cài / Java still does not run after installing');
    process.exit(1);
  }
}
