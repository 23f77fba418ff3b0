// Installs a Debian package the project needs, when it is missing and we may (root + apt-get).
// Plain Node ESM with no dependencies: it must also run on the machine's own Node (20).
import { spawnSync } from 'node:child_process';

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

/**
 * present() true → silent no-op. Missing as root with apt-get → one progress line, install,
 * check again. Otherwise one clear line (Vietnamese / English) and exit 1.
 * @param {{ present: () => boolean, packages: string[], what: string, why: string, progress: string, recommends?: boolean }} spec
 */
export const ensureDebianPackage = ({ present, packages, what, why, progress, recommends = false }) => {
  if (present()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  const command = `sudo apt-get install -y ${packages.join(' ')}`;
  if (!isRoot || !hasApt) {
    console.error(`✖ ${why} — cài bằng \`${command}\` / install it, e.g. \`${command}\``);
    process.exit(1);
  }
  console.log(`[setup] ${progress}`);
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', ...(recommends ? [] : ['--no-install-recommends']), ...packages]);
  } catch (error) {
    console.error(`✖ Không cài được ${what} / could not install ${what}: ${error.message}`);
    process.exit(1);
  }
  if (!present()) {
    console.error(`✖ ${what} vẫn chưa dùng được sau khi cài / ${what} still unusable after installing`);
    process.exit(1);
  }
};
