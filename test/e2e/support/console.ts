/**
 * The set-up shared by the ops console walks (console*.test.ts): the console build, Chromium at the
 * desktop size, the page watch (page errors, CSP violations), sign-in as a named dev user, and `page_`
 * (axe scan, then screenshots at 1366×768 and 360 px with a side-scroll check).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../../infra/local/paths.ts';
import { baseUrl } from '../../integration/support/api.ts';
import { profiles } from './chromium.ts';

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 360, height: 740 };

export interface Problems {
  pageErrors: string[];
  cspViolations: string[];
}
export const watch = (context: BrowserContext): Problems => {
  const problems: Problems = { pageErrors: [], cspViolations: [] };
  context.on('weberror', (e) => problems.pageErrors.push(String(e.error())));
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.cspViolations.push(m.text());
  });
  return problems;
};

/** axe on the page as it is; every serious or critical violation is reported with its targets. */
export const axe = async (page: Page, name: string): Promise<void> => {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe on ${name}`).toEqual([]);
};

export const signIn = async (page: Page, userName: RegExp): Promise<void> => {
  await page.goto(`${baseUrl()}/ops/`);
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
  await page.getByRole('button', { name: userName }).click();
  await page.getByRole('heading', { level: 1, name: 'Đợt khảo sát' }).waitFor();
};

export const tokenOf = (page: Page): Promise<string> =>
  page.evaluate(() => JSON.parse(sessionStorage.getItem('dieutra.console.session') ?? '{}').token as string);

export interface ConsoleBrowser {
  /** Where the screenshots go: test-artifacts/<folder>/. */
  artifacts: string;
  /** Builds console/dist if it is missing and makes the artifacts folder. */
  prepare(): Promise<void>;
  /** Chromium at 1366×768, vi-VN, Asia/Ho_Chi_Minh. */
  launch(): Promise<BrowserContext>;
  /** Screenshots at 1366×768 and 360 px wide, then back to the desktop size. */
  shoot(page: Page, name: string): Promise<void>;
  /** `axe`, then `shoot`. */
  page_(page: Page, name: string): Promise<void>;
  /** Removes the browser profiles made by `launch`. */
  cleanUp(): Promise<void>;
}

export const consoleBrowser = (opts: {
  artifactsFolder: string;
  profilePrefix: string;
  acceptDownloads?: boolean;
}): ConsoleBrowser => {
  const artifacts = join(REPO_ROOT, 'test-artifacts', opts.artifactsFolder);
  const browsers = profiles(opts.profilePrefix);
  const shoot = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: join(artifacts, `${name}-1366.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(artifacts, `${name}-360.png`), fullPage: true });
    // Nothing but a deliberately scrolling table may be wider than the phone.
    const overflow = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    const culprits =
      overflow > PHONE.width
        ? await page.evaluate(
            // A string: the test project's tsconfig has no DOM types.
            `[...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > ${PHONE.width} && !el.closest('.table-wrap'))
            .slice(0, 5).map((el) => el.tagName.toLowerCase() + '.' + el.className).join(', ')`,
          )
        : '';
    expect(overflow, `${name} at 360 px: ${culprits}`).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(DESKTOP);
  };
  return {
    artifacts,
    prepare: async () => {
      if (!existsSync(join(REPO_ROOT, 'console/dist/index.html'))) {
        execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'console/build.ts')], {
          cwd: REPO_ROOT,
          stdio: 'inherit',
        });
      }
      await mkdir(artifacts, { recursive: true });
    },
    launch: () =>
      browsers.launch({
        viewport: DESKTOP,
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        ...(opts.acceptDownloads ? { acceptDownloads: true } : {}),
      }),
    shoot,
    page_: async (page, name) => {
      await axe(page, name);
      await shoot(page, name);
    },
    cleanUp: () => browsers.removeAll(),
  };
};
