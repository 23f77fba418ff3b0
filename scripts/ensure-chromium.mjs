#!/usr/bin/env node
// Makes sure Debian's Chromium is present for the browser tests (test/e2e, driven by playwright-core).
import { existsSync } from 'node:fs';
import { ensureDebianPackage } from './lib/ensure-debian-package.mjs';

const CHROMIUM = '/usr/bin/chromium';

ensureDebianPackage({
  present: () => existsSync(CHROMIUM),
  packages: ['chromium'],
  // Its recommends bring the fonts that render Vietnamese in screenshots.
  recommends: true,
  what: 'Chromium',
  why: `Cần Chromium cho kiểm thử trình duyệt / Chromium is required for the browser tests (${CHROMIUM} is missing)`,
  progress: 'Chromium chưa có — đang cài / installing Chromium (apt-get install chromium, ~110 MB)…',
});
