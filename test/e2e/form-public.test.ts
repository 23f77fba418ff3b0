/**
 * The public form on a 360 px phone in Debian Chromium against the local runtime: answers kept on the
 * device across a reload, the paper-code start page (a typo refused before any lookup), keyboard-only
 * completion and axe scans (no serious or critical violations). Screenshots go to test-artifacts/form/.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS, encodePaperCode, getTemplate } from '../../shared/domain/index.ts';
import { api, baseUrl, eventually, unique } from '../integration/support/api.ts';
import { axe, noSideScroll, phoneBrowser, recordThirdParty } from './support/public-form.ts';

const questions = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS).sections.flatMap((s) => s.questions);
const scaleIds = questions.filter((q) => q.type === 'scale').map((q) => q.id);
const { launch, shot, prepare, cleanUp } = phoneBrowser('form');

const setUpTokens = async (): Promise<string[]> => {
  const tag = unique('e2e-pub');
  const round = await api('POST', '/api/rounds', {
    body: {
      name: tag,
      year: 2026,
      kind: 'SIPAS',
      units: [{ code: 'U1', name: 'UBND phường Một' }],
      fields: [{ name: 'Tư pháp' }],
    },
  });
  expect(round.status).toBe(201);
  const roundId: string = round.json.roundId;
  const roster = ['STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả']
    .concat(
      Array.from(
        { length: 4 },
        (_, i) => `${i + 1};Người ${i + 1};090${3000000 + i};${tag}-${i};Tư pháp;U1;0${i + 1}/03/2026`,
      ),
    )
    .join('\r\n');
  const upload = await api('POST', `/api/rounds/${roundId}/rosters?filename=e2e.csv`, { raw: roster });
  expect(upload.status).toBe(202);
  await eventually('roster imported', async () => {
    const r = await api('GET', `/api/rounds/${roundId}/rosters/${upload.json.importId}`);
    return r.json?.status === 'completed' ? true : undefined;
  });
  const sample = await api('POST', `/api/rounds/${roundId}/samples`, {
    body: { seed: tag, officialPerStratum: 3, reservePerStratum: 1 },
  });
  expect(sample.status).toBe(202);
  const path = `/api/rounds/${roundId}/samples/${sample.json.sampleId}`;
  await eventually('sample drawn', async () =>
    (await api('GET', path)).json?.status === 'completed' ? true : undefined,
  );
  const csv = await api('GET', `${path}/official.csv`);
  return [...csv.text.matchAll(/\/f\/([A-Za-z0-9_-]+)\r?$/gm)].map((m) => m[1]!);
};

describe('public form on a 360 px phone', () => {
  let ctx: BrowserContext;
  let tokens: string[] = [];
  const thirdParty: string[] = [];

  beforeAll(async () => {
    await prepare();
    tokens = await setUpTokens();
    expect(tokens).toHaveLength(3);
    ctx = await launch();
    recordThirdParty(ctx, thirdParty);
  });

  afterAll(async () => {
    await ctx?.close();
    await cleanUp();
  });

  it('start page: a code with one wrong character gets the typo message without a request; the server refuses it too, before lookup', async () => {
    const page = await ctx.newPage();
    await page.goto(`${baseUrl()}/`);
    await noSideScroll(page);
    await axe(page, 'start');
    await shot(page, 'start');
    const good = encodePaperCode(new Uint8Array(16).fill(9));
    const wrong = (good[3] === '7' ? '8' : '7').padStart(1);
    const typo = good.slice(0, 3) + wrong + good.slice(4);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.locator('#code').fill(typo);
    await page.getByRole('button', { name: 'Mở phiếu' }).click();
    const msg = page.locator('#code-msg');
    await msg.waitFor({ state: 'visible' });
    expect(await msg.textContent()).toBe('Mã phiếu có ký tự sai: hãy kiểm tra lại từng ký tự.');
    expect(await page.locator('#code').getAttribute('aria-invalid')).toBe('true');
    expect(requests).toEqual([]);
    await axe(page, 'start-error');
    await shot(page, 'start-typo');
    // Without the page's script (a direct request): the server says the same, with its code.
    const res = await fetch(`${baseUrl()}/ma-phieu?code=${typo}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-error-code')).toBe('PAPER_CODE_MISTYPED');
    const unknown = await fetch(`${baseUrl()}/ma-phieu?code=${good}`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
    await page.close();
  });

  it('open by link, answer half, reload: answers restored; finish: receipt; axe on form, error state and receipt', async () => {
    const page = await ctx.newPage();
    await page.goto(`${baseUrl()}/f/${tokens[0]}`);
    await noSideScroll(page);
    await axe(page, 'form');
    const half = scaleIds.slice(0, Math.ceil(scaleIds.length / 2));
    for (const id of half) await page.locator(`fieldset[data-q="${id}"] label >> nth=3`).click();
    await expect.poll(() => page.locator('#progress').textContent()).toContain(`Đã trả lời ${half.length}/`);
    const stored = await page.evaluate('JSON.stringify(Object.keys(localStorage))');
    expect(stored).not.toContain(tokens[0]!);
    await page.reload();
    await expect.poll(() => page.locator('input[type="radio"]:checked').count()).toBe(half.length);
    await shot(page, 'form-restored');
    // An error state: a tampered value refused by the API, shown with the summary.
    await page.locator(`input[name="${half[0]}"]:checked`).evaluate((i) => i.setAttribute('value', '9'));
    await page.getByRole('button', { name: 'Gửi phiếu' }).click();
    await page.locator(`fieldset[data-q="${half[0]}"] p.err`).waitFor();
    expect(await page.locator(`#q-${half[0]}`).getAttribute('aria-invalid')).toBe('true');
    await axe(page, 'form-error');
    await shot(page, 'form-error');
    // Undo the tampering (the same radio is picked again below), then finish the form.
    await page.locator(`input[name="${half[0]}"][value="9"]`).evaluate((i) => i.setAttribute('value', '4'));
    for (const id of scaleIds) await page.locator(`fieldset[data-q="${id}"] label >> nth=3`).click();
    await page.getByRole('button', { name: 'Gửi phiếu' }).click();
    await page.locator('#result', { hasText: /Mã biên nhận: rcp_/ }).waitFor();
    await axe(page, 'receipt');
    await shot(page, 'receipt');
    expect(thirdParty).toEqual([]);
    await page.close();
  });

  it('keyboard only (Tab / Space / Enter): the whole form is answered and sent', async () => {
    const page = await ctx.newPage();
    await page.goto(`${baseUrl()}/f/${tokens[1]}`);
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<string>(
        '(() => { const a = document.activeElement; return a ? a.tagName + ":" + (a.getAttribute("type") || "") + ":" + (a.getAttribute("name") || "") : ""; })()',
      );
      if (focused.startsWith('INPUT:radio:')) await page.keyboard.press('Space');
      if (focused.startsWith('BUTTON')) break;
    }
    const groups = await page.evaluate<number>(
      'new Set([...document.querySelectorAll("input[type=radio]")].map((i) => i.name)).size',
    );
    expect(await page.locator('input[type="radio"]:checked').count()).toBe(groups);
    await page.keyboard.press('Enter');
    await page.locator('#result', { hasText: /Mã biên nhận: rcp_/ }).waitFor();
    await shot(page, 'keyboard-receipt');
    await page.close();
  });
});
