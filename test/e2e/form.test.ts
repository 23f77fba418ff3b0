/**
 * The respondent's form in a real browser (Debian Chromium driven by playwright-core) against the
 * local runtime: mobile layout, the JavaScript upgrade, the plain form post, server errors shown in
 * Vietnamese, escaped free text, and links that a scanner may open without using the token
 * (data-rules rule 17). Each test sets up its own data through the ops API.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { api, baseUrl, eventually, unique } from '../integration/support/api.ts';

const questions = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS).sections.flatMap((s) => s.questions);
const scaleIds = questions.filter((q) => q.type === 'scale').map((q) => q.id);
const textId = questions.find((q) => q.type === 'text')!.id;
// Raw `<img …>` inside a <textarea> is inert text; the closing tag makes a missed escape execute.
const XSS = '</textarea><img src=x onerror=alert(1)>';
const UNIT = 'UBND phường Một';
const FIELD = 'Tư pháp';

// Flags verified on this machine (docs: /work/shared/toolchain.md).
const CHROMIUM_ARGS =
  `--no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync`.split(/\s+/);
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };

const tempDirs: string[] = [];
const freshTempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'dieutra-e2e-'));
  tempDirs.push(dir);
  return dir;
};

const launch = async (options: { javaScriptEnabled: boolean }): Promise<BrowserContext> =>
  chromium.launchPersistentContext(await freshTempDir(), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...PHONE,
    ...options,
  });

/** Round with one unit × one field, a roster of 9 people, a drawn sample: 5 official + 3 reserve tokens. */
const setUpSample = async (): Promise<{ official: string[]; reserve: string[] }> => {
  const tag = unique('e2e');
  const [units, fields] = [[{ code: 'U1', name: UNIT }], [{ name: FIELD }]];
  const round = await api('POST', '/api/rounds', {
    body: { name: tag, year: 2026, kind: 'SIPAS', units, fields },
  });
  expect(round.status).toBe(201);
  const roundId: string = round.json.roundId;
  const row = (i: number) =>
    `${i};Người Trả Lời ${i};090${2000000 + i};${tag}-${i};${FIELD};U1;0${i}/03/2026`;
  const roster = ['STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả']
    .concat(Array.from({ length: 9 }, (_, i) => row(i + 1)))
    .join('\r\n');
  const upload = await api('POST', `/api/rounds/${roundId}/rosters?filename=e2e.csv`, { raw: roster });
  expect(upload.status).toBe(202);
  const report = await eventually('roster imported', async () => {
    const r = await api('GET', `/api/rounds/${roundId}/rosters/${upload.json.importId}`);
    return r.json?.status === 'completed' ? r.json : undefined;
  });
  expect(report.stored).toBe(9);
  const draw = { seed: tag, officialPerStratum: 5, reservePerStratum: 3 };
  const sample = await api('POST', `/api/rounds/${roundId}/samples`, { body: draw });
  expect(sample.status).toBe(202);
  const samplePath = `/api/rounds/${roundId}/samples/${sample.json.sampleId}`;
  await eventually('sample drawn', async () =>
    (await api('GET', samplePath)).json?.status === 'completed' ? true : undefined,
  );
  const tokensOf = async (list: string): Promise<string[]> => {
    const csv = await api('GET', `${samplePath}/${list}.csv`);
    expect(csv.status).toBe(200);
    return [...csv.text.matchAll(/\/f\/([A-Za-z0-9_-]+)\r?$/gm)].map((m) => m[1]!);
  };
  return { official: await tokensOf('official'), reserve: await tokensOf('reserve') };
};

const openForm = async (context: BrowserContext, token: string): Promise<Page> => {
  const page = await context.newPage();
  const response = await page.goto(`${baseUrl()}/f/${token}`);
  expect(response?.status()).toBe(200);
  await page.locator('form#survey').waitFor();
  return page;
};

/** Clicks the label of `level` (1–5) for each given scale question. */
const pickLevels = async (page: Page, level: number, ids: readonly string[] = scaleIds): Promise<void> => {
  for (const id of ids) await page.locator(`fieldset[data-q="${id}"] label >> nth=${level - 1}`).click();
};

const submitButton = (page: Page) => page.getByRole('button', { name: 'Gửi phiếu' });

/** Another body for an already used token, straight to the API. */
const submitOtherBody = (token: string) =>
  api('POST', '/api/submissions', { token: null, body: { token, answers: { [scaleIds[0]!]: 1 } } });

/** Resolves with the page's next POST response whose URL ends with `suffix`. */
const posted = (page: Page, suffix: string) =>
  page.waitForResponse((r) => r.url().endsWith(suffix) && r.request().method() === 'POST');

const receiptIn = async (page: Page, selector: string): Promise<string> => {
  const box = page.locator(selector, { hasText: /Mã biên nhận: rcp_/ });
  await box.waitFor();
  return /rcp_[A-Za-z0-9_-]+/.exec((await box.textContent()) ?? '')![0];
};

describe('survey form in Chromium (mobile viewport)', () => {
  let withJs: BrowserContext;
  let withoutJs: BrowserContext;
  let official: string[] = [];
  let reserve: string[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const submissionCalls: string[] = [];

  beforeAll(async () => {
    ({ official, reserve } = await setUpSample());
    expect(official).toHaveLength(5);
    expect(reserve.length).toBeGreaterThan(0);
    withJs = await launch({ javaScriptEnabled: true });
    withoutJs = await launch({ javaScriptEnabled: false });
    withJs.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    withJs.on('weberror', (error) => pageErrors.push(String(error.error())));
    withoutJs.on('request', (r) => submissionCalls.push(`${r.method()} ${new URL(r.url()).pathname}`));
  });

  afterAll(async () => {
    try {
      // Over every page of the file: the form's script never threw and nothing opened a dialog.
      expect(pageErrors).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      await withJs?.close();
      await withoutJs?.close();
      await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });

  it('renders for a phone: Vietnamese, unit and field named, five options per scale item, no sideways scroll', async () => {
    const page = await openForm(withJs, official[0]!);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.locator('main').textContent()).toContain(`Đơn vị: ${UNIT} · Lĩnh vực: ${FIELD}`);
    const scaleSets = page.locator('fieldset[data-type="scale"]');
    expect(await scaleSets.evaluateAll((sets) => sets.map((fs) => fs.getAttribute('data-q')))).toEqual(
      scaleIds,
    );
    const radios = await scaleSets
      .locator('input[type="radio"]')
      .evaluateAll((inputs) => inputs.map((i) => `${i.getAttribute('name')}=${i.getAttribute('value')}`));
    expect(radios).toEqual(scaleIds.flatMap((id) => [1, 2, 3, 4, 5].map((v) => `${id}=${v}`)));
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const shot = join(await freshTempDir(), 'form-mobile.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(0);
    expect((await readFile(shot)).subarray(1, 4).toString('latin1')).toBe('PNG');
    await page.close();
  });

  it('with JavaScript: submits in place, shows the receipt; reload says already submitted; a different body is 409', async () => {
    const token = official[0]!;
    const page = await openForm(withJs, token);
    await page.evaluate('window.stillHere = true');
    await pickLevels(page, 4);
    expect(await page.locator('input[type="radio"]:checked').count()).toBe(scaleIds.length);
    const [response] = await Promise.all([posted(page, '/api/submissions'), submitButton(page).click()]);
    expect(response.status()).toBe(201);
    const receipt = await receiptIn(page, '#result');
    expect(await page.locator('#result').textContent()).toBe(
      `Cảm ơn bạn đã trả lời. Mã biên nhận: ${receipt}`,
    );
    expect(await page.evaluate('window.stillHere')).toBe(true);
    expect(page.url()).toBe(`${baseUrl()}/f/${token}`);
    expect(await page.locator('form#survey').isHidden()).toBe(true);

    await page.reload();
    expect(await page.locator('main').textContent()).toContain('Bạn đã gửi phiếu này lúc');
    expect(await receiptIn(page, 'main')).toBe(receipt);
    expect(await page.locator('form#survey').count()).toBe(0);

    const other = await submitOtherBody(token);
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('ALREADY_SUBMITTED');
    await page.close();
  });

  it('without JavaScript: the plain form post returns the thank-you page with a receipt', async () => {
    const token = official[1]!;
    const page = await openForm(withoutJs, token);
    await pickLevels(page, 5);
    await page.locator(`#q-${textId}`).fill('Thủ tục nhanh, cán bộ tận tình.');
    const [response] = await Promise.all([posted(page, `/f/${token}`), submitButton(page).click()]);
    expect(response.status()).toBe(201);
    expect(response.request().headers()['content-type']).toContain('application/x-www-form-urlencoded');
    expect(await page.locator('h1').textContent()).toBe('Cảm ơn bạn!');
    expect(await receiptIn(page, 'main')).toMatch(/^rcp_/);
    expect(submissionCalls).not.toContain('POST /api/submissions');
    // The same token through the API with another body: already used by the form post.
    expect((await submitOtherBody(token)).status).toBe(409);
    await page.close();
  });

  it('shows a server refusal in Vietnamese in #result and lets the respondent try again (second tab)', async () => {
    const token = official[2]!;
    const first = await openForm(withJs, token);
    const second = await openForm(withJs, token);
    // A background tab gets no animation frames, which Playwright's clicks wait for.
    await first.bringToFront();
    await pickLevels(first, 5);
    await submitButton(first).click();
    const receipt = await receiptIn(first, '#result');

    await second.bringToFront();
    await pickLevels(second, 2);
    const button = submitButton(second);
    const [response] = await Promise.all([posted(second, '/api/submissions'), button.click()]);
    expect(response.status()).toBe(409);
    const result = second.locator('#result.err', { hasText: 'Phiếu này đã được gửi trước đó' });
    await result.waitFor();
    expect(await result.textContent()).toBe('Phiếu này đã được gửi trước đó; mỗi người chỉ trả lời một lần.');
    expect(await button.isEnabled()).toBe(true);
    expect(await second.locator('form#survey').isVisible()).toBe(true);
    // The stored answers are the first tab's: re-sending exactly those gives back its receipt.
    const answers = Object.fromEntries(scaleIds.map((id) => [id, 5]));
    const replay = await api('POST', '/api/submissions', { token: null, body: { token, answers } });
    expect(replay.status).toBe(200);
    expect(replay.json.receiptId).toBe(receipt);
    await Promise.all([first.close(), second.close()]);
  });

  it('a reserve-list link shows a Vietnamese message instead of a form', async () => {
    const page = await withJs.newPage();
    const response = await page.goto(`${baseUrl()}/f/${reserve[0]}`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    const message = 'Phiếu này thuộc danh sách dự phòng và chưa được kích hoạt.';
    expect(await page.locator('main').textContent()).toContain(message);
    expect(await page.locator('form#survey').count()).toBe(0);
    await page.close();
  });

  it('free text is echoed escaped: nothing executes, and a rejected post leaves the token unused', async () => {
    const token = official[3]!;
    const page = await openForm(withJs, token);
    await pickLevels(page, 4, scaleIds.slice(0, 2));
    await page.locator(`#q-${textId}`).fill(XSS);
    // A tampered client sends an out-of-scale value: the API refuses it and names the question.
    await page
      .locator(`input[name="${scaleIds[1]}"]:checked`)
      .evaluate((input) => input.setAttribute('value', '7'));
    await submitButton(page).click();
    const inline = page.locator(`fieldset[data-q="${scaleIds[1]}"] p.err`);
    await inline.waitFor();
    // One refused answer: the message names that question and what is allowed.
    const refusal = 'chỉ chọn một mức từ 1 đến 5.';
    expect(await page.locator('#result > p, #result').first().textContent()).toContain(refusal);
    expect(await inline.textContent()).toContain(refusal);
    expect(await submitButton(page).isEnabled()).toBe(true);

    // When the API cannot be reached the script falls back to the plain form post; the server
    // re-renders the form with the answers, the free text inside the textarea.
    await page.route('**/api/submissions', (route) => route.abort());
    const [rerender] = await Promise.all([posted(page, `/f/${token}`), submitButton(page).click()]);
    expect(rerender.status()).toBe(400);
    // Compared as booleans so a failure does not print the whole page.
    expect((await rerender.text()).includes(XSS)).toBe(false);
    await page.locator(`#err-${scaleIds[1]}`).waitFor();
    expect(await page.locator(`#q-${textId}`).inputValue()).toBe(XSS);
    expect(await page.locator('img').count()).toBe(0);
    await page.unroute('**/api/submissions');

    // Still unused: fix the answer and submit through the API path.
    await pickLevels(page, 5, [scaleIds[1]!]);
    await submitButton(page).click();
    expect(await receiptIn(page, '#result')).toMatch(/^rcp_/);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('a link scanner fetching the link (HEAD and GET, twice) does not use the token', async () => {
    const token = official[4]!;
    const scanner = { 'user-agent': 'Mozilla/5.0 (compatible; LinkPreview/1.0)' };
    for (let i = 0; i < 2; i++) {
      const head = await fetch(`${baseUrl()}/f/${token}`, { method: 'HEAD', headers: scanner });
      expect(head.status).toBe(200);
      const get = await fetch(`${baseUrl()}/f/${token}`, { headers: scanner });
      expect(get.status).toBe(200);
      expect(await get.text()).toContain('<form id="survey"');
    }
    const page = await openForm(withJs, token);
    await pickLevels(page, 3);
    await submitButton(page).click();
    expect(await receiptIn(page, '#result')).toMatch(/^rcp_/);
    await page.close();
  });
});
