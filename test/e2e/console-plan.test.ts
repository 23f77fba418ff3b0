/**
 * The console's planning and follow-up pages in a real browser (Debian Chromium + playwright-core)
 * against the local runtime (issue #13, pages 1, 4 and 7):
 * - a round created from a stored unit catalogue version (two-tier, units ticked) with an imported
 *   questionnaire, after the API's refusal of an empty selection is shown beside the picker;
 * - field work of a drawn round: the chart of returns over days, the table's response rates, the call
 *   list of those who have not answered and its CSV, the integrity signals (a too-fast completion);
 * - results compared with an earlier scored round, a unit the earlier round lacks marked as such.
 * Every new page and state is scanned with axe (no serious or critical violation) and photographed at
 * 1366×768 and 360 px into test-artifacts/console-plan/.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/local/paths.ts';
import { api, baseUrl, eventually, unique } from '../integration/support/api.ts';
import { answersAll, drawnRound, type Form, submit } from '../integration/support/survey.ts';
import { consoleBrowser, signIn } from './support/console.ts';

const { launch, page_, prepare, cleanUp } = consoleBrowser({
  artifactsFolder: 'console-plan',
  profilePrefix: 'dieutra-console-plan-',
  acceptDownloads: true,
});

const ADMIN = /Quản trị viên Sở Nội vụ/;
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const vi = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${vi.format(Math.abs(x))}`;

/** Score a round and wait for its run to complete. */
const score = async (roundId: string): Promise<void> => {
  const req = await api('POST', `/api/rounds/${roundId}/scoring`);
  expect([200, 202]).toContain(req.status);
  await eventually(
    `round ${roundId} scored`,
    async () => {
      const r = await api('GET', `/api/rounds/${roundId}/scoring/runs/${req.json.runId}`);
      if (r.json?.run?.status === 'failed') throw new Error(`run failed: ${JSON.stringify(r.json.run)}`);
      return r.json?.run?.status === 'completed' ? r.json : undefined;
    },
    90_000,
  );
};

describe('ops console: rounds from catalogues, field work, comparison', () => {
  let context: BrowserContext;
  const pageErrors: string[] = [];
  const tag = unique('plan');
  const catalogueId = tag.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const questionnaireId = `q-${catalogueId}`;

  beforeAll(async () => {
    await prepare();
    context = await launch();
    context.on('weberror', (e) => pageErrors.push(String(e.error())));
  }, 180_000);

  afterAll(async () => {
    try {
      expect(pageErrors).toEqual([]);
    } finally {
      await context?.close();
      await cleanUp();
    }
  });

  it('creates a round from a stored catalogue version (two-tier, ticked units) with an imported questionnaire', async () => {
    const csv = readFileSync(join(REPO_ROOT, 'docs/examples/catalogue-2024-2026.csv'), 'utf8');
    const imported = await api(
      'POST',
      `/api/catalogues?id=${catalogueId}&name=${encodeURIComponent('Danh mục tỉnh Mẫu')}`,
      { raw: csv },
    );
    expect(imported.status).toBe(201);
    const questionnaireCsv = readFileSync(
      join(REPO_ROOT, 'docs/examples/sipas-2026-questionnaire.csv'),
      'utf8',
    ).replace('Mã mẫu phiếu,sipas-2026-v1', `Mã mẫu phiếu,${questionnaireId}`);
    expect((await api('POST', '/api/questionnaires', { raw: questionnaireCsv })).status).toBe(201);

    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'Tạo đợt khảo sát' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tạo đợt khảo sát' }).waitFor();
    const name = `Đợt theo danh mục ${tag}`;
    await page.getByLabel('Tên đợt').fill(name);
    await page.getByLabel('Năm', { exact: true }).fill('2026');
    await page.getByLabel('Phiếu hỏi').selectOption(`${questionnaireId}@1`);
    await page.getByLabel('Chọn từ danh mục đơn vị đã lưu').check();
    // The inline box is replaced by the picker.
    expect(await page.locator('#r-units').count()).toBe(0);
    await page.getByLabel('Danh mục', { exact: true }).selectOption(catalogueId);
    // The newest (here the only) version is chosen by itself.
    await expect.poll(() => page.getByLabel('Phiên bản danh mục').inputValue()).toBe('1');
    // 2026 follows the two-tier structure: the departments and the new communes, no district, no
    // abolished commune, not the province — all ticked by default.
    const picker = page.locator('.unit-checks');
    await picker.getByRole('checkbox').first().waitFor();
    const listed = (await picker.locator('li').allTextContents()).map((t) => /\(([A-Z0-9]+) ·/.exec(t)?.[1]);
    expect(listed.sort()).toEqual(['PM1', 'SNV', 'STP', 'XM1', 'XM2']);
    expect(await picker.getByRole('checkbox', { checked: true }).count()).toBe(5);
    await page.getByLabel('Lĩnh vực').fill('tu-phap; Tư pháp – Hộ tịch');

    // Nothing ticked: the API's refusal is shown beside the picker.
    await page.getByRole('button', { name: 'Bỏ chọn tất cả' }).click();
    await page.getByRole('button', { name: 'Tạo đợt' }).click();
    await page.locator('#err-unitCodes').waitFor();
    expect(await page.locator('#create-error').textContent()).toContain('VALIDATION_ERROR');
    await page_(page, 'p01-tao-dot-danh-muc-loi');

    await page.getByRole('button', { name: 'Chọn tất cả', exact: true }).click();
    await page.getByLabel(/Sở Tư pháp/).uncheck();
    await page.getByLabel('Tìm đơn vị trong danh mục').fill('xã');
    expect(await picker.locator('li').count()).toBe(2);
    await page.getByLabel('Tìm đơn vị trong danh mục').fill('');
    expect(await page.locator('.unit-picker legend').textContent()).toContain('đã chọn 4/5');
    await page_(page, 'p02-tao-dot-danh-muc');
    await page.getByRole('button', { name: 'Tạo đợt' }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(name) }).waitFor();
    const roundId = decodeURIComponent(/\/rounds\/([^/]+)$/.exec(page.url())![1]!);
    const round = (await api('GET', `/api/rounds/${roundId}`)).json;
    expect(round.catalogue).toEqual({ id: catalogueId, version: 1 });
    expect(round.questionnaire).toEqual({ id: questionnaireId, version: 1 });
    expect(round.structure).toBe('two-tier');
    expect(round.units.map((u: { code: string }) => u.code).sort()).toEqual(['PM1', 'SNV', 'XM1', 'XM2']);
    expect(round.units.find((u: { code: string }) => u.code === 'XM1')).toMatchObject({
      name: 'Xã An Bình',
      type: 'commune',
    });
    await page_(page, 'p03-dot-tu-danh-muc');
    await page.close();
  }, 120_000);

  it('follows field work and compares the results with an earlier round', async () => {
    // An earlier round (U1, U2), every form answered, scored.
    const earlier = await drawnRound({ prefix: 'plan-truoc', people: { U1: 3, U2: 3 } });
    for (const f of earlier.forms) {
      expect((await submit({ token: f.token, answers: answersAll(3) })).status).toBe(201);
    }
    await score(earlier.roundId);
    // This round (U1, U3): 3 of 4 answered in U1 (one in 5 seconds), 1 of 2 in U3.
    const current = await drawnRound({
      prefix: 'plan-nay',
      people: { U1: 4, U3: 2 },
      settings: { fastCompletionSeconds: 30 },
    });
    const u1 = current.forms.filter((f) => f.unitCode === 'U1');
    const u3 = current.forms.filter((f) => f.unitCode === 'U3');
    const send = async (f: Form, level: number[], ua: string, openedAt: string) =>
      expect(
        (await submit({ token: f.token, answers: answersAll(level), openedAt }, { 'user-agent': ua })).status,
      ).toBe(201);
    await send(u1[0]!, [4, 5], 'dien-thoai-1/1.0', ago(600));
    await send(u1[1]!, [5, 4, 3], 'dien-thoai-2/1.0', ago(900));
    await send(u1[2]!, [2], 'nhanh/1.0', ago(5));
    await send(u3[0]!, [4], 'dien-thoai-3/1.0', ago(700));
    await score(current.roundId);

    const page = await context.newPage();
    await signIn(page, ADMIN);
    const roundUrl = `${baseUrl()}/ops/rounds/${encodeURIComponent(current.roundId)}`;
    await page.goto(`${roundUrl}/fieldwork`);
    const progress = page.getByRole('table', { name: 'Tiến độ theo đơn vị và lĩnh vực' });
    await progress.waitFor();
    // The chart of returns over days renders (a canvas with pixels) and names each line.
    const canvas = page.locator('figure.chart canvas');
    await canvas.waitFor();
    const size = await canvas.boundingBox();
    expect(size?.width ?? 0).toBeGreaterThan(200);
    expect(size?.height ?? 0).toBeGreaterThan(200);
    const drawn = await page.evaluate(
      `(() => { const c = document.querySelector('figure.chart canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()`,
    );
    expect(drawn as number).toBeGreaterThan(500);
    const label = (await canvas.getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Tỷ lệ phản hồi cộng dồn theo ngày/);
    // The days run from the day before the first return (nothing returned yet) to the last one.
    const span = /từ (\d{2}\/\d{2}) đến (\d{2}\/\d{2})/.exec(label);
    expect(span?.[1]).toBeDefined();
    expect(span?.[1]).not.toBe(span?.[2]);
    expect(label).toContain('Toàn đợt 66,7 %');
    expect(label).toContain('Đơn vị U1 75 %');
    expect(label).toContain('Đơn vị U3 50 %');
    expect(await page.locator('dl.counts').textContent()).toContain('66,7 %');
    const rowOf = (unit: string) => progress.locator('tbody tr', { hasText: `Đơn vị ${unit}` });
    expect(await rowOf('U1').locator('td').allTextContents()).toEqual([
      'Đơn vị U1',
      'Hộ tịch',
      '4',
      '3',
      '75 %',
    ]);
    expect(await rowOf('U3').locator('td').nth(4).textContent()).toBe('50 %');
    // Sorted by response rate, lowest first: U3 then U1; by keyboard the other way round.
    expect(await progress.locator('tbody tr').first().textContent()).toContain('Đơn vị U3');
    const rateHeader = progress.getByRole('columnheader', { name: /Tỷ lệ phản hồi/ });
    await rateHeader.getByRole('button').focus();
    await page.keyboard.press('Enter');
    expect(await rateHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await progress.locator('tbody tr').first().textContent()).toContain('Đơn vị U1');

    // The call list: one in U1, one in U3, with names for the administrator; its CSV.
    const calls = page.getByRole('table', { name: /Người chưa trả lời \(2\)/ });
    await calls.waitFor();
    expect(await calls.locator('tbody tr').count()).toBe(2);
    expect(await calls.textContent()).toMatch(/Người U1 \d/);
    expect(await calls.textContent()).toMatch(/Người U3 \d/);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải danh sách gọi điện (CSV)' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe(`${current.roundId}-chua-tra-loi.csv`);
    const callCsv = (await readFile((await file.path())!, 'utf8'))
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/);
    expect(callCsv[0]).toContain('Họ và tên');
    expect(callCsv).toHaveLength(3);
    expect(callCsv.slice(1).some((l) => /Người U3 \d/.test(l))).toBe(true);

    // Integrity: the five-second form, labelled in Vietnamese.
    const signals = page.getByRole('table', { name: 'Tín hiệu bất thường theo đơn vị' });
    await signals.waitFor();
    const fast = signals.locator('tbody tr', { hasText: 'Hoàn thành phiếu quá nhanh' });
    expect(await fast.count()).toBe(1);
    expect(await fast.textContent()).toContain('Đơn vị U1');
    expect(await fast.textContent()).toContain('ngưỡng 30 giây');
    for (const kind of await signals.locator('tbody tr td:first-child').allTextContents()) {
      expect(kind).not.toMatch(/^[A-Z_]+$/);
    }
    await page_(page, 'p04-tien-do');

    // One unit: its call list and chart narrow to it.
    await page.getByLabel('Đơn vị', { exact: true }).selectOption('U1');
    await page.getByRole('table', { name: /Người chưa trả lời \(1\)/ }).waitFor();
    expect(await progress.locator('tbody tr').count()).toBe(1);
    expect(await canvas.getAttribute('aria-label')).toMatch(/từng lĩnh vực của Đơn vị U1.*Hộ tịch 75 %/);
    await page_(page, 'p05-tien-do-mot-don-vi');

    // Results: the change per unit against the earlier round; U3 was not in it.
    await page.goto(`${roundUrl}/results`);
    await page.getByRole('table', { name: 'Xếp hạng đơn vị' }).waitFor();
    await page.getByLabel('Đợt trước để so sánh').selectOption(earlier.roundId);
    await page.getByRole('button', { name: 'Xem thay đổi' }).click();
    const changes = page.getByRole('table', { name: 'Thay đổi chỉ số theo đơn vị so với đợt trước' });
    await changes.waitFor();
    const compared = await api('GET', `/api/rounds/${current.roundId}/results?compare=${earlier.roundId}`);
    const cmpU1 = compared.json.comparison.units.find((u: { unitCode: string }) => u.unitCode === 'U1');
    expect(cmpU1.inEarlierRound).toBe(true);
    expect(typeof cmpU1.index.change).toBe('number');
    expect(cmpU1.index.change).not.toBe(0);
    const u1Cells = await changes
      .locator('tbody tr', { hasText: 'Đơn vị U1' })
      .locator('td')
      .allTextContents();
    expect(u1Cells[1]).toBe(vi.format(cmpU1.index.current));
    expect(u1Cells[2]).toBe(vi.format(cmpU1.index.earlier));
    expect(u1Cells[3]).toBe(signed(cmpU1.index.change));
    expect(u1Cells[5]).toBe('Có ở đợt trước');
    const u3Cells = await changes
      .locator('tbody tr', { hasText: 'Đơn vị U3' })
      .locator('td')
      .allTextContents();
    expect(u3Cells[2]).toBe('—');
    expect(u3Cells[3]).toBe('—');
    expect(u3Cells[5]).toBe('Không có ở đợt trước');
    expect(await page.locator('.compare .status-line').textContent()).toContain(
      '1 đơn vị không có ở đợt trước',
    );
    await page_(page, 'p06-so-sanh-dot-truoc');
    await page.close();
  }, 240_000);
});
