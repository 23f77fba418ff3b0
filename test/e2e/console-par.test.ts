/**
 * PAR self-assessment and appraisal in the ops console (Debian Chromium + playwright-core) against the
 * local runtime: the Sở's administrator imports a criteria CSV and attaches it to a PAR round; the unit's
 * focal point scores two sub-criteria with evidence (one with a file uploaded by presigned URL, one by
 * keyboard only) and submits; the Sở appraises one with a reason and publishes; the focal point reads the
 * reason and answers; the Sở finalises. The totals shown are the API's and match the inputs. A focal
 * point of another unit is shown nothing of this unit and the API refuses it; a viewer gets no edit
 * control. Every page is scanned with axe and photographed at 1366×768 and 360 px.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, unique } from '../integration/support/api.ts';
import { consoleBrowser, type Problems, signIn, tokenOf, watch } from './support/console.ts';

// Screenshots beside console.test.ts's, in test-artifacts/console/.
const { launch, page_, prepare, cleanUp } = consoleBrowser({
  artifactsFolder: 'console',
  profilePrefix: 'dieutra-console-par-',
});

// --- the round and its criteria ---------------------------------------------------------------------
const ADMIN = /Quản trị viên Sở Nội vụ/;
const FOCAL = /Đầu mối UBND phường Thượng Thanh/;
const OTHER_FOCAL = /Đầu mối UBND phường Việt Hưng/;
const VIEWER = /Lãnh đạo Sở/;
const UNIT = 'LB-TT';

/** Two appraised sub-criteria, a formula criterion and the survey: 50 points. */
const CRITERIA_CSV = [
  'Mã;Mã cấp trên;Nội dung;Điểm tối đa;Phương pháp;Cần tài liệu kiểm chứng',
  'LV1;;Công tác chỉ đạo, điều hành;10;thẩm định;',
  '1.1;LV1;Kế hoạch cải cách hành chính;4;thẩm định;có',
  '1.2;LV1;Kiểm tra, tuyên truyền cải cách hành chính;6;thẩm định;có',
  'LV2;;Cải cách thủ tục hành chính;5;thẩm định;',
  '2.1;LV2;Tỷ lệ hồ sơ giải quyết đúng hạn;5;công thức;',
  'DT;;Điều tra xã hội học;35;điều tra xã hội học;',
].join('\r\n');
// The inputs; the totals expected on screen are computed from them here, not read from the service.
const SELF = { '1.1': 3.5, '1.2': 5 };
const APPRAISED = { '1.2': 4 };
const REASON = 'Thiếu biên bản kiểm tra quý IV';
const APPRAISAL_MAX = 4 + 6;
const vi = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

describe('PAR self-assessment and appraisal in the console', () => {
  let context: BrowserContext;
  let problems: Problems;
  const tag = unique('par-console');
  const criteriaId = tag.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  let roundId = '';
  let parUrl = '';
  let unitUrl = '';

  beforeAll(async () => {
    await prepare();
    // The round through the API (quicker); everything PAR happens in the browser.
    const created = await api('POST', '/api/rounds', {
      body: {
        name: `Chỉ số CCHC ${tag}`,
        year: 2026,
        kind: 'PAR',
        units: [
          { code: 'LB-TT', name: 'UBND phường Thượng Thanh', type: 'ward' },
          { code: 'LB-VH', name: 'UBND phường Việt Hưng', type: 'ward' },
        ],
        fields: [{ code: 'lanh-dao', name: 'Lãnh đạo, quản lý' }],
      },
    });
    expect(created.status).toBe(201);
    roundId = created.json.roundId;
    parUrl = `${baseUrl()}/ops/rounds/${encodeURIComponent(roundId)}/par`;
    unitUrl = `${parUrl}/${UNIT}`;
    context = await launch();
    problems = watch(context);
  }, 180_000);

  afterAll(async () => {
    try {
      expect(problems.pageErrors).toEqual([]);
      expect(problems.cspViolations).toEqual([]);
    } finally {
      await context?.close();
      await cleanUp();
    }
  });

  it('the Sở imports a criteria CSV and attaches the version with a deadline', async () => {
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.goto(`${baseUrl()}/ops/rounds/${encodeURIComponent(roundId)}`);
    await page.getByRole('link', { name: 'Tự đánh giá CCHC' }).click();
    await page.getByText('chưa được gắn bộ tiêu chí').waitFor();
    await page_(page, 'par-01-chua-gan');
    // A tree whose parts do not add up: refused with the row's message, nothing stored.
    await page.getByLabel('Mã bộ tiêu chí').fill(criteriaId);
    await page.getByLabel('Tên bộ tiêu chí').fill('Bộ tiêu chí CCHC cấp xã 2026');
    await page.getByLabel('Cấp được đánh giá').selectOption('commune');
    await page.getByLabel('Tệp CSV bộ tiêu chí').setInputFiles({
      name: 'tieu-chi-sai.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        CRITERIA_CSV.replace('1.2;LV1;Kiểm tra, tuyên truyền cải cách hành chính;6', '1.2;LV1;Kiểm tra;5'),
      ),
    });
    await page.getByRole('button', { name: 'Nhập bộ tiêu chí' }).click();
    const importError = page.getByRole('alert').filter({ hasText: 'Nhập bộ tiêu chí' });
    await importError.waitFor();
    expect(await importError.textContent()).toContain('INVALID_CONFIG');
    expect(
      await page.getByLabel('Bộ tiêu chí và phiên bản').locator('option', { hasText: criteriaId }).count(),
    ).toBe(0);
    await page.getByLabel('Tệp CSV bộ tiêu chí').setInputFiles({
      name: 'tieu-chi.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CRITERIA_CSV),
    });
    await page.getByRole('button', { name: 'Nhập bộ tiêu chí' }).click();
    await page.getByText(/Đã nhập: Bộ tiêu chí CCHC cấp xã 2026 .*phiên bản 1, tổng 50 điểm/).waitFor();
    // The version just imported is listed and chosen.
    const versions = page.getByLabel('Bộ tiêu chí và phiên bản');
    await versions.locator(`option[value="${criteriaId}#1"]`).waitFor({ state: 'attached' });
    expect(await versions.inputValue()).toBe(`${criteriaId}#1`);
    const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel(/Hạn tự đánh giá/).fill(deadline);
    await page.getByLabel('Thời hạn phản hồi (giờ)').fill('48');
    await page.getByRole('button', { name: 'Gắn bộ tiêu chí cho đợt' }).click();
    await page.getByRole('heading', { name: 'Bộ tiêu chí của đợt' }).waitFor();
    const [y, m, d] = deadline.split('-');
    expect(await page.locator('.facts').first().textContent()).toContain(
      `Hạn tự đánh giá${d}/${m}/${y} 23:59`,
    );
    const units = page.getByRole('table', { name: 'Tự đánh giá của các đơn vị' });
    await units.waitFor();
    expect(await units.locator('tbody tr').count()).toBe(2);
    expect(await units.textContent()).toContain('Đang tự chấm');
    await page_(page, 'par-02-gan-bo-tieu-chi');
    const setup = await api('GET', `/api/rounds/${roundId}/par-criteria`);
    expect(setup.json).toMatchObject({ criteria: { id: criteriaId, version: 1 }, responseWindowHours: 48 });
    await page.close();
  }, 180_000);

  it("the unit's focal point scores two criteria with evidence (one by keyboard) and submits", async () => {
    const page = await context.newPage();
    await signIn(page, FOCAL);
    await page.goto(parUrl);
    const units = page.getByRole('table', { name: 'Tự đánh giá của đơn vị bạn' });
    await units.waitFor();
    expect(await units.locator('tbody tr').count()).toBe(1);
    expect(await units.textContent()).not.toContain('Việt Hưng');
    // The focal point is not offered the Sở's setup.
    expect(await page.getByRole('button', { name: 'Gắn bộ tiêu chí cho đợt' }).count()).toBe(0);
    await units.getByRole('link', { name: 'UBND phường Thượng Thanh' }).click();
    await page.getByRole('heading', { name: 'Bộ tiêu chí', exact: true }).waitFor();
    // The tree: field → criterion with maximum points; survey and formula criteria are not self-scored.
    const tree = page.locator('.par-tree');
    expect(await tree.textContent()).toContain('LV1 Công tác chỉ đạo, điều hành (tối đa 10 điểm)');
    expect(await tree.textContent()).toContain(
      '1.2 Kiểm tra, tuyên truyền cải cách hành chính (tối đa 6 điểm)',
    );
    expect(await page.getByLabel(/Điểm tự chấm 2\.1/).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Lưu thẩm định/ }).count()).toBe(0);
    await page_(page, 'par-03-dau-moi-tu-cham');

    // 1.1 with the mouse: score, note, link and a file sent by presigned upload.
    const c11 = page.locator('[data-criterion="1.1"]');
    await c11.getByLabel(/Điểm tự chấm 1\.1/).fill('3,5');
    await c11.getByLabel(/Ghi chú kiểm chứng 1\.1/).fill('Kế hoạch CCHC năm 2026 số 12/KH-UBND');
    await c11.getByLabel(/Đường dẫn văn bản 1\.1/).fill('https://vanban.example.gov.vn/kh-12');
    await c11.getByLabel(/Tệp kiểm chứng 1\.1/).setInputFiles({
      name: 'ke-hoach-cchc-2026.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n% kế hoạch\n'),
    });
    await c11.getByRole('button', { name: 'Lưu điểm tự chấm 1.1' }).click();
    await c11.locator('[data-score="self"]', { hasText: '3,5' }).waitFor();
    await c11.getByRole('link', { name: /Tệp: ke-hoach-cchc-2026\.pdf/ }).waitFor();
    const fileUrl = await c11.getByRole('link', { name: /Tệp:/ }).getAttribute('href');
    expect(await (await fetch(fileUrl!)).text()).toBe('%PDF-1.7\n% kế hoạch\n');

    // Submitting early: the API's message next to the button, naming the unscored criterion.
    await page.getByRole('button', { name: 'Nộp bản tự đánh giá' }).click();
    const early = page.getByRole('alert').filter({ hasText: 'SELF_ASSESSMENT_INCOMPLETE' });
    await early.waitFor();
    expect(await early.textContent()).toContain('1.2');

    // 1.2 by keyboard alone: focus the score, type, Tab through the file picker to the note, Enter to save.
    const c12 = page.locator('[data-criterion="1.2"]');
    await c12.getByLabel(/Điểm tự chấm 1\.2/).focus();
    await page.keyboard.type('5');
    await page.keyboard.press('Tab'); // the file picker
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('self-1-2-note');
    await page.keyboard.type('Báo cáo kiểm tra CCHC số 5/BC-UBND');
    await page.keyboard.press('Tab');
    await page.keyboard.type('https://vanban.example.gov.vn/bc-5');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Lưu điểm tự chấm 1.2');
    await page.keyboard.press('Enter');
    await c12.locator('[data-score="self"]', { hasText: '5' }).waitFor();

    // Totals as the API composes them, and as the inputs add up.
    const selfTotal = SELF['1.1'] + SELF['1.2'];
    const totals = page.locator('.par-totals');
    await totals.locator('[data-total="self"]', { hasText: vi.format(selfTotal) }).waitFor();
    const view = await api('GET', `/api/rounds/${roundId}/assessments/${UNIT}`, {
      token: await tokenOf(page),
    });
    expect(view.json.totals.self).toEqual({ achieved: selfTotal, applicableMax: APPRAISAL_MAX });
    expect(await totals.locator('[data-total="self"]').textContent()).toBe(
      `${vi.format(view.json.totals.self.achieved)} / ${vi.format(view.json.totals.self.applicableMax)}`,
    );
    const fields = page.getByRole('table', { name: 'Điểm theo lĩnh vực' });
    expect(await fields.locator('tbody tr', { hasText: 'LV1' }).textContent()).toContain('8,5 / 10');

    await page.getByRole('button', { name: 'Nộp bản tự đánh giá' }).click();
    await page.locator('.badge', { hasText: 'Đã nộp, chờ thẩm định' }).waitFor();
    expect(await page.getByLabel(/Điểm tự chấm/).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Nộp bản tự đánh giá' }).count()).toBe(0);
    await page_(page, 'par-04-da-nop');
    await page.close();
  }, 180_000);

  it('the Sở appraises one criterion with a reason and publishes; the unit sees nothing before that', async () => {
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.goto(parUrl);
    const units = page.getByRole('table', { name: 'Tự đánh giá của các đơn vị' });
    await units.locator('tbody tr', { hasText: 'Đã nộp, chờ thẩm định' }).waitFor();
    await units.getByRole('link', { name: 'UBND phường Thượng Thanh' }).click();
    const c12 = page.locator('[data-criterion="1.2"]');
    await c12.getByLabel(/Điểm thẩm định 1\.2/).fill('4');
    await c12.getByLabel(/Lý do điều chỉnh 1\.2/).fill(REASON);
    await c12.getByRole('button', { name: 'Lưu thẩm định 1.2' }).click();
    await c12.locator('[data-reason]', { hasText: REASON }).waitFor();
    expect(await c12.locator('[data-score="appraised"]').textContent()).toBe('4');
    // The Sở enters the formula criterion's figure with its source.
    const c21 = page.locator('[data-criterion="2.1"]');
    await c21.getByLabel(/Điểm theo số liệu 2\.1/).fill('4,5');
    await c21.getByLabel(/Nguồn số liệu 2\.1/).fill('Hệ thống thông tin giải quyết TTHC');
    await c21.getByRole('button', { name: 'Lưu thẩm định 2.1' }).click();
    await c21.locator('[data-score="appraised"]', { hasText: '4,5' }).waitFor();
    const counted = SELF['1.1'] + APPRAISED['1.2'];
    await page.locator('[data-total="appraised"]', { hasText: `${vi.format(counted)} / 10` }).waitFor();
    await page_(page, 'par-05-tham-dinh');

    // Not published yet: the unit's focal point does not see the draft appraisal.
    const focalPage = await context.newPage();
    await signIn(focalPage, FOCAL);
    const before = await api('GET', `/api/rounds/${roundId}/assessments/${UNIT}`, {
      token: await tokenOf(focalPage),
    });
    expect(before.json.leaves.find((l: { code: string }) => l.code === '1.2').appraisal).toBeNull();
    expect(before.json.totals.appraised).toBeNull();
    await focalPage.close();

    await page.getByRole('button', { name: 'Công bố kết quả thẩm định' }).click();
    await page.locator('.badge', { hasText: 'Đã công bố thẩm định' }).waitFor();
    // Finalising now is refused: the window is open and the unit has not answered.
    await page.getByRole('button', { name: 'Chốt kết quả' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'RESPONSE_WINDOW_OPEN' });
    await refused.waitFor();
    await page.close();
  }, 180_000);

  it('the focal point reads the appraised score and reason and answers within the window', async () => {
    const page = await context.newPage();
    await signIn(page, FOCAL);
    await page.goto(unitUrl);
    const c12 = page.locator('[data-criterion="1.2"]');
    await c12.locator('[data-reason]', { hasText: REASON }).waitFor();
    expect(await c12.locator('[data-score="self"]').textContent()).toBe('5');
    expect(await c12.locator('[data-score="appraised"]').textContent()).toBe('4');
    const counted = SELF['1.1'] + APPRAISED['1.2'];
    expect(await page.locator('[data-total="appraised"]').textContent()).toBe(`${vi.format(counted)} / 10`);
    expect(await page.locator('[data-total="self"]').textContent()).toBe('8,5 / 10');
    expect(await page.getByRole('button', { name: /Lưu thẩm định/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Chốt kết quả' }).count()).toBe(0);
    await page.getByLabel('Về tiêu chí').selectOption('1.2');
    await page.getByLabel('Nội dung phản hồi').fill('Đơn vị đã bổ sung biên bản kiểm tra quý IV (số 9/BB)');
    await page.getByRole('button', { name: 'Gửi phản hồi' }).click();
    await page.locator('.badge', { hasText: 'Đơn vị đã phản hồi' }).waitFor();
    await c12.getByText(/Phản hồi của đơn vị: Đơn vị đã bổ sung biên bản/).waitFor();
    // The unit's trail: who, when, why (the appraisal's reason among them).
    const trail = page.getByRole('table', { name: 'Lịch sử chấm điểm của đơn vị' });
    expect(await trail.textContent()).toContain(REASON);
    expect(await trail.textContent()).toContain('dau-moi-thuong-thanh');
    // The round's audit is the Sở's: not offered to the unit, and the API refuses it.
    expect(await page.getByRole('table', { name: 'Nhật ký thao tác về đơn vị' }).count()).toBe(0);
    expect(
      (await api('GET', `/api/rounds/${roundId}/assessment-audit`, { token: await tokenOf(page) })).status,
    ).toBe(403);
    await page_(page, 'par-06-dau-moi-phan-hoi');
    await page.close();
  }, 180_000);

  it('the Sở finalises; both trails show who, when and why', async () => {
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.goto(unitUrl);
    await page.locator('.badge', { hasText: 'Đơn vị đã phản hồi' }).waitFor();
    await page.getByRole('button', { name: 'Chốt kết quả' }).click();
    await page.locator('.badge', { hasText: 'Đã chốt' }).waitFor();
    // Once finalised nothing can change: no appraisal form, no action.
    expect(await page.getByRole('button', { name: /Lưu thẩm định/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Chốt kết quả' }).count()).toBe(0);
    const audit = page.getByRole('table', { name: 'Nhật ký thao tác về đơn vị' });
    await audit.getByRole('cell', { name: 'Chốt điểm thẩm định' }).waitFor();
    const row = audit.locator('tbody tr', { hasText: 'Thẩm định điểm' }).filter({ hasText: 'LB-TT/1.2' });
    expect(await row.textContent()).toContain(REASON);
    expect(await row.textContent()).toContain('so-noi-vu-admin');
    expect(await row.textContent()).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(await audit.textContent()).toContain('Đơn vị phản hồi thẩm định');
    await page_(page, 'par-07-da-chot');
    await page.goto(parUrl);
    const units = page.getByRole('table', { name: 'Tự đánh giá của các đơn vị' });
    expect(await units.locator('tbody tr', { hasText: 'Thượng Thanh' }).textContent()).toContain('Đã chốt');
    await page.close();
  }, 180_000);

  it('a focal point of another unit sees nothing of this unit; the API refuses it', async () => {
    const page = await context.newPage();
    await signIn(page, OTHER_FOCAL);
    await page.goto(parUrl);
    const units = page.getByRole('table', { name: 'Tự đánh giá của đơn vị bạn' });
    await units.waitFor();
    expect(await units.locator('tbody tr').count()).toBe(1);
    expect(await units.textContent()).toContain('Việt Hưng');
    expect(await units.textContent()).not.toContain('Thượng Thanh');
    await page.goto(unitUrl);
    const refused = page.getByRole('alert').filter({ hasText: 'Tải bản tự đánh giá của đơn vị' });
    await refused.waitFor();
    expect(await refused.textContent()).toContain('FORBIDDEN');
    expect(await page.locator('.par-tree').count()).toBe(0);
    await page_(page, 'par-08-don-vi-khac');
    const token = await tokenOf(page);
    expect((await api('GET', `/api/rounds/${roundId}/assessments/${UNIT}`, { token })).status).toBe(403);
    const write = await api('PUT', `/api/rounds/${roundId}/assessments/${UNIT}/self/1.1`, {
      token,
      body: { score: 4, evidence: { note: 'x' } },
    });
    expect(write.status).toBe(403);
    const list = await api('GET', `/api/rounds/${roundId}/assessments`, { token });
    expect(list.json.units.map((u: { unitCode: string }) => u.unitCode)).toEqual(['LB-VH']);
    await page.close();
  }, 120_000);

  it('a viewer reads the unit and its audit but is offered no change; the API answers 403', async () => {
    const page = await context.newPage();
    await signIn(page, VIEWER);
    await page.goto(unitUrl);
    await page.locator('.badge', { hasText: 'Đã chốt' }).waitFor();
    await page.locator('[data-criterion="1.2"] [data-reason]', { hasText: REASON }).waitFor();
    await page.getByRole('table', { name: 'Nhật ký thao tác về đơn vị' }).waitFor();
    expect(await page.locator('main input, main textarea, main select').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Lưu|Nộp|Công bố|Chốt|Gửi phản hồi/ }).count()).toBe(0);
    await page_(page, 'par-09-chi-xem');
    await page.goto(parUrl);
    await page.getByRole('table', { name: 'Tự đánh giá của các đơn vị' }).waitFor();
    expect(await page.getByRole('button', { name: /Nhập bộ tiêu chí|Gắn bộ tiêu chí/ }).count()).toBe(0);
    const token = await tokenOf(page);
    const appraise = await api('PUT', `/api/rounds/${roundId}/assessments/${UNIT}/appraisal/1.1`, {
      token,
      body: { adjustedScore: 1, reason: 'x' },
    });
    expect(appraise.status).toBe(403);
    const attach = await api('PUT', `/api/rounds/${roundId}/par-criteria`, {
      token,
      body: { id: criteriaId, version: 1, selfAssessmentDeadline: '2027-01-01T00:00:00Z' },
    });
    expect(attach.status).toBe(403);
    await page.close();
  }, 120_000);
});
