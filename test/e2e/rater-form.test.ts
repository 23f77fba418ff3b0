/**
 * A PAR rater form (several target units on one form) on a 360 px phone in Debian Chromium against the
 * local runtime: answers of the first target kept on the device across a reload, progress per target
 * ("Đơn vị n / m"), the server's refusal shown next to the questions, the receipt; axe scans (no
 * serious or critical violations). Screenshots go to test-artifacts/rater-form/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { api, baseUrl, eventually, unique } from '../integration/support/api.ts';
import { axe, noSideScroll, phoneBrowser, recordThirdParty } from './support/public-form.ts';

const rated = getTemplate(DEFAULT_TEMPLATE_IDS.PAR)
  .sections.flatMap((s) => s.questions)
  .filter((q) => q.maxPoints !== undefined)
  .map((q) => q.id);
const { launch, shot, prepare, cleanUp } = phoneBrowser('rater-form');

/** A PAR round with a rater matrix and one district leader who rates the three departments. */
const setUpRaterForm = async (): Promise<{ token: string; targets: string[] }> => {
  const created = await api('POST', '/api/rounds', {
    body: {
      name: unique('e2e-rater'),
      year: 2026,
      kind: 'PAR',
      units: [
        { code: 'SNV', name: 'Sở Nội vụ', type: 'department' },
        { code: 'STP', name: 'Sở Tư pháp', type: 'department' },
        { code: 'SYT', name: 'Sở Y tế', type: 'department' },
        { code: 'H1', name: 'UBND huyện Một', type: 'rural-district' },
      ],
      fields: [{ code: 'danh-gia', name: 'Đánh giá' }],
      raterMatrix: {
        id: 'e2e-matrix',
        year: 2026,
        structure: 'three-tier',
        excludeOwnUnit: true,
        groups: [{ code: 'LD_HUYEN', name: 'Lãnh đạo UBND huyện', targets: [{ level: 'department' }] }],
      },
    },
  });
  expect(created.status, created.text).toBe(201);
  const roundId: string = created.json.roundId;
  const roster = [
    'Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày hoàn thành;Nhóm đối tượng',
    'Chủ tịch huyện;0914000005;R-5;Đánh giá;H1;01/10/2026;LD_HUYEN',
  ].join('\r\n');
  const up = await api('POST', `/api/rounds/${roundId}/rosters?filename=can-bo.csv`, { raw: roster });
  expect(up.status, up.text).toBe(202);
  await eventually('roster imported', async () => {
    const r = await api('GET', `/api/rounds/${roundId}/rosters/${up.json.importId}`);
    return r.json?.status === 'completed' ? true : undefined;
  });
  const set = await api('POST', `/api/rounds/${roundId}/rater-forms`);
  expect(set.status, set.text).toBe(201);
  const list = await api('GET', `/api/rounds/${roundId}/rater-forms/${set.json.formsId}/forms`);
  const form = list.json.forms[0] as { link: string; targets: string[] };
  return { token: /\/r\/([A-Za-z0-9_-]+)$/.exec(form.link)![1]!, targets: form.targets };
};

/** Picks option `nth` (0 = A) of every rated item of one target. */
const answerTarget = async (page: Page, target: string, nth: number) => {
  for (const id of rated)
    await page.locator(`fieldset[data-q="${target}/${id}"] label >> nth=${nth}`).click();
};

describe('PAR rater form on a 360 px phone', () => {
  let ctx: BrowserContext;
  let form = { token: '', targets: [] as string[] };
  const thirdParty: string[] = [];

  beforeAll(async () => {
    await prepare();
    form = await setUpRaterForm();
    expect(form.targets).toEqual(['SNV', 'STP', 'SYT']);
    ctx = await launch();
    recordThirdParty(ctx, thirdParty);
  });

  afterAll(async () => {
    await ctx?.close();
    await cleanUp();
  });

  it('answer the first target, reload: restored; a refusal shown by the questions; finish: receipt', async () => {
    const [first, second, third] = form.targets as [string, string, string];
    const page = await ctx.newPage();
    await page.goto(`${baseUrl()}/r/${form.token}`);
    expect(await page.locator('section[data-target] h2').allTextContents()).toEqual([
      'Đơn vị 1 / 3: Sở Nội vụ',
      'Đơn vị 2 / 3: Sở Tư pháp',
      'Đơn vị 3 / 3: Sở Y tế',
    ]);
    await noSideScroll(page);
    await axe(page, 'rater-form');
    await shot(page, 'rater-form');

    await answerTarget(page, first, 0);
    await expect.poll(() => page.locator('#progress').textContent()).toContain('Đơn vị 1 / 3');
    await expect.poll(() => page.locator('#progress').textContent()).toContain(`Đã trả lời ${rated.length}/`);
    const stored = await page.evaluate('JSON.stringify(Object.keys(localStorage))');
    expect(stored).not.toContain(form.token);
    await page.reload();
    await expect
      .poll(() => page.locator(`section[data-target="${first}"] input:checked`).count())
      .toBe(rated.length);
    expect(await page.locator(`section[data-target="${second}"] input:checked`).count()).toBe(0);
    await shot(page, 'rater-form-restored');

    // Sent with two targets unanswered: the server's messages by the questions, nothing stored.
    await page.getByRole('button', { name: 'Gửi phiếu đánh giá' }).click();
    await page.locator(`fieldset[data-q="${second}/${rated[0]}"] p.err`).waitFor();
    expect(await page.locator('#result').textContent()).toContain('Sở Tư pháp');
    await axe(page, 'rater-form-error');
    await shot(page, 'rater-form-error');

    await answerTarget(page, second, 1);
    await answerTarget(page, third, 2);
    await expect.poll(() => page.locator('#progress').textContent()).toContain('Đơn vị 3 / 3');
    await page.getByRole('button', { name: 'Gửi phiếu đánh giá' }).click();
    await page.locator('#result', { hasText: /Mã biên nhận: rcp_/ }).waitFor();
    await noSideScroll(page);
    await axe(page, 'rater-receipt');
    await shot(page, 'rater-receipt');
    // Sent: the device's copy is gone and the link now shows the receipt.
    expect(await page.evaluate('localStorage.length')).toBe(0);
    const receipt = (await page.locator('#result').textContent())!.match(/rcp_[A-Za-z0-9_-]+/)![0];
    await page.goto(`${baseUrl()}/r/${form.token}`);
    expect(await page.locator('main').textContent()).toContain(receipt);
    await axe(page, 'rater-already-sent');
    expect(thirdParty).toEqual([]);
    await page.close();
  });
});
