#!/usr/bin/env node
// Makes sure Debian's Chromium is present for the browser tests (test/e2e, driven by playwright-core).
// Plain Node ESM with no dependencies: it must also run on the machine's own Node (20).
// - /usr/bin/chromium present → silent no-op.
// - Missing, running as root → apt-get update + install chromium quietly (one line of output).
// - Missing, not root (or no apt-get) → one clear line and exit 1.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

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

if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    console.error(
      `✖ Cần Chromium cho kiểm thử trình duyệt — cài bằng \`sudo apt-get install -y chromium\` / Chromium is required for the browser tests (${CHROMIUM} is missing): install it, e.g. \`sudo apt-get install -y chromium\``,
    );
    process.exit(1);
  }
  console.log(
    '[setup] Chromium chưa có — đang cài / installing Chromium (apt-get install chromium, ~110 MB)…',
  );
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
  } catch (error) {
    console.error(`✖ Không cài được Chromium / could not install Chromium: ${error.message}`);
    process.exit(1);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`✖ Chromium vẫn chưa có sau khi cài / ${CHROMIUM} still missing after installing`);
    process.exit(1);
  }
}
