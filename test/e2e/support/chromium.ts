/**
 * Debian Chromium through playwright-core, shared by the browser tests: each context gets its own
 * throw-away profile folder, removed at the end of the file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_ARGS =
  `--no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync`.split(/\s+/);

type ContextOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

export interface Profiles {
  /** A headless persistent context in a new temporary profile folder named `<prefix>XXXXXX`. */
  launch(options: ContextOptions): Promise<BrowserContext>;
  /** Removes every profile folder made by `launch` (the contexts are closed by their owner). */
  removeAll(): Promise<void>;
}

export const profiles = (prefix: string): Profiles => {
  const dirs: string[] = [];
  return {
    launch: async (options) => {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return chromium.launchPersistentContext(dir, {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: CHROMIUM_ARGS,
        ...options,
      });
    },
    removeAll: async () => {
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
};
