/**
 * The set-up shared by the public form walks (form-public.test.ts, rater-form.test.ts): Chromium as a
 * 360 px touch phone, WCAG 2.1 A/AA axe scans, full-page screenshots and the no-side-scroll check.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { baseUrl } from '../../integration/support/api.ts';
import { profiles } from './chromium.ts';

export const axe = async (page: Page, name: string): Promise<void> => {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.nodes.length})`);
  expect(bad).toEqual([]);
};

export const noSideScroll = async (page: Page) =>
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

/** Records in `into` every request the context makes outside the local runtime. */
export const recordThirdParty = (ctx: BrowserContext, into: string[]): void => {
  ctx.on('request', (r) => {
    if (!r.url().startsWith(baseUrl())) into.push(r.url());
  });
};

export interface PhoneBrowser {
  /** Makes test-artifacts/<folder>/ (below the working directory). */
  prepare(): Promise<void>;
  /** Chromium as a 360×740 touch phone, vi-VN. */
  launch(): Promise<BrowserContext>;
  /** A full-page screenshot test-artifacts/<folder>/<name>.png. */
  shot(page: Page, name: string): Promise<Buffer>;
  /** Removes the browser profiles made by `launch`. */
  cleanUp(): Promise<void>;
}

export const phoneBrowser = (artifactsFolder: string): PhoneBrowser => {
  const artifacts = join(process.cwd(), 'test-artifacts', artifactsFolder);
  const browsers = profiles('dieutra-e2e-');
  return {
    prepare: async () => {
      await mkdir(artifacts, { recursive: true });
    },
    launch: () =>
      browsers.launch({
        viewport: { width: 360, height: 740 },
        isMobile: true,
        hasTouch: true,
        locale: 'vi-VN',
      }),
    shot: (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }),
    cleanUp: () => browsers.removeAll(),
  };
};
