/**
 * The ops console in a real browser (Debian Chromium + playwright-core) against the local runtime:
 * an officer signs in as a named dev user and runs a round — create, roster with row errors then the
 * corrected file, draw, download a list, scoring, the results chart — then a unit focal point and a
 * viewer see only what their role and units allow, and the API refuses them the same actions (403).
 * Every page is scanned with axe (no serious or critical violation) and photographed at 1366×768 and
 * 360 px into test-artifacts/console/.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleJwtKey, signConsoleJwt } from '../../infra/local/authorizer.ts';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { api, baseUrl, devToken, unique } from '../integration/support/api.ts';
import { consoleBrowser, DESKTOP, PHONE, type Problems, signIn, tokenOf, watch } from './support/console.ts';

const {
  artifacts: ARTIFACTS,
  launch,
  shoot,
  page_,
  prepare,
  cleanUp,
} = consoleBrowser({
  artifactsFolder: 'console',
  profilePrefix: 'dieutra-console-',
  acceptDownloads: true,
});

const scaleIds = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS)
  .sections.flatMap((s) => s.questions)
  .filter((q) => q.type === 'scale')
  .map((q) => q.id);

const HEADER = 'STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả';
const STRATA: Array<[string, string]> = [
  ['LB-TT', 'Tư pháp – Hộ tịch'],
  ['LB-VH', 'Tư pháp – Hộ tịch'],
];
/** 6 people per stratum; with `broken`, rows 3 and 9 (spreadsheet rows 4 and 10) carry errors. */
const rosterCsv = (tag: string, broken: boolean): string => {
  const lines = [HEADER];
  let n = 0;
  for (const [unit, field] of STRATA) {
    for (let i = 1; i <= 6; i++) {
      n++;
      const phone = broken && n === 3 ? '12345' : `09${String(10_000_000 + n * 7919).slice(0, 8)}`;
      const date = broken && n === 9 ? '31/02/2026' : `0${1 + (n % 9)}/03/2026`;
      lines.push([n, `Người Dân ${n}`, phone, `${tag}-${n}`, field, unit, date].join(';'));
    }
  }
  return lines.join('\r\n');
};

describe('ops console in Chromium', () => {
  let context: BrowserContext;
  let problems: Problems;
  const tag = unique('console');
  const roundName = `Đợt thử ${tag}`;
  let roundUrl = '';
  let roundId = '';

  beforeAll(async () => {
    await prepare();
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

  it('serves the SPA at /ops/ with a strict CSP, immutable assets and deep links', async () => {
    const index = await fetch(`${baseUrl()}/ops/rounds/any/results`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await index.text();
    const script = /src="(\/ops\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${baseUrl()}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${baseUrl()}/ops/assets/missing.js`)).status).toBe(404);
    expect(await (await fetch(`${baseUrl()}/ops/config.json`)).json()).toEqual({ mode: 'dev' });
  });

  it('dev sign-in returns a signed JWT the API verifies; a tampered one is refused', async () => {
    const res = await fetch(`${baseUrl()}/ops/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'dau-moi-viet-hung' }),
    });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({ sub: 'dau-moi-viet-hung', roles: ['operator'], units: ['LB-VH'] });
    expect((await api('GET', '/api/rounds', { token })).status).toBe(200);
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await api('GET', '/api/rounds', { token: forged });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('INVALID_TOKEN');
    // Expired (signed 9 h ago with the right key): refused too.
    const claims = { sub: 'so-noi-vu-admin', name: 'x', roles: ['admin'], units: ['*'] };
    const old = await signConsoleJwt(consoleJwtKey(devToken()), claims, new Date(Date.now() - 9 * 3600_000));
    expect((await api('GET', '/api/rounds', { token: old })).json.error.code).toBe('INVALID_TOKEN');
    const fresh = await signConsoleJwt(consoleJwtKey(devToken()), claims);
    expect((await api('GET', '/api/rounds', { token: fresh })).status).toBe(200);
    // The dev token still works for curl.
    expect((await api('GET', '/api/rounds')).status).toBe(200);
  });

  it('never serves a file outside console/dist (raw paths, not normalised by a client)', async () => {
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(baseUrl());
        const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of [
      '/ops/../package.json',
      '/ops/%2e%2e/package.json',
      '/ops/assets/..%2f..%2fbuild.ts',
    ]) {
      const res = await raw(path);
      expect(res.body, path).not.toContain('"devDependencies"');
      expect(res.body, path).not.toContain('BUDGET_BYTES');
      expect([400, 404]).toContain(res.status);
    }
  });

  it('an administrator runs a round: create, roster with errors then corrected, draw, list, substitution, a respondent on a phone, scoring, chart', async () => {
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/ops/`);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await page_(page, '01-dang-nhap');
    await page.getByRole('button', { name: /Quản trị viên Sở Nội vụ/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Đợt khảo sát' }).waitFor();
    await page_(page, '02-dot-khao-sat');

    // Create: a first attempt with a bad unit code shows the API's message beside the units box.
    await page.getByRole('link', { name: 'Tạo đợt khảo sát' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tạo đợt khảo sát' }).waitFor();
    await page.getByLabel('Tên đợt').fill(roundName);
    await page.getByLabel('Năm', { exact: true }).fill('2026');
    await page.getByLabel('Đơn vị được đánh giá').fill('LB; UBND quận Long Biên\nLB TT; phường sai mã; LB');
    await page.getByLabel('Lĩnh vực').fill('tu-phap; Tư pháp – Hộ tịch');
    await page.getByRole('button', { name: 'Tạo đợt' }).click();
    const unitError = page.locator('#err-units');
    await unitError.waitFor();
    expect(await unitError.textContent()).toContain('units.1.code');
    expect(await page.locator('#create-error').textContent()).toContain('VALIDATION_ERROR');
    await page_(page, '03-tao-dot-loi');
    await page
      .getByLabel('Đơn vị được đánh giá')
      .fill(
        'LB; UBND quận Long Biên; ; district\nLB-TT; UBND phường Thượng Thanh; LB; ward\nLB-VH; UBND phường Việt Hưng; LB; ward',
      );
    await page.getByLabel('Hạn nộp danh sách').fill('2027-03-31');
    await page.getByLabel('Ngày phát phiếu').fill('2027-04-10');
    await page.getByLabel('Kết thúc khảo sát').fill('2027-05-15');
    await page.getByLabel('Phiếu chính thức mỗi tầng').fill('3');
    await page.getByLabel('Dự phòng mỗi tầng').fill('2');
    await page.getByLabel('Nhập phiếu giấy hai lần').check();
    await page.getByRole('button', { name: 'Tạo đợt' }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(roundName) }).waitFor();
    roundUrl = page.url();
    roundId = decodeURIComponent(/\/rounds\/([^/]+)$/.exec(roundUrl)![1]!);
    await page.getByRole('heading', { name: 'Tiến trình' }).waitFor();
    // Dates in Vietnam time as dd/mm/yyyy.
    expect(await page.locator('.facts').first().textContent()).toMatch(
      /Ngày tạo\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/,
    );
    const facts = (await page.locator('.overview').textContent()) ?? '';
    expect(facts).toContain('Hạn nộp danh sách31/03/2027');
    expect(facts).toContain('Kết thúc khảo sát15/05/2027');
    expect(facts).toContain('Cố định: 3 chính thức + 2 dự phòng mỗi tầng');
    expect(await page.locator('.lifecycle [aria-current="step"]').textContent()).toBe('Đang nhận danh sách');
    await page_(page, '04-tong-quan');

    // Roster with two bad rows, then the corrected file.
    await page.getByRole('link', { name: 'Nhập danh sách' }).click();
    await page.getByRole('heading', { name: 'Tải lên danh sách' }).waitFor();
    await page.getByLabel(/Kéo thả tệp CSV/).setInputFiles({
      name: 'danh-sach-loi.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(rosterCsv(tag, true)),
    });
    await page.getByRole('button', { name: 'Tải lên và nhập' }).click();
    await page.getByText('Đã nhập xong.').waitFor();
    const counts = page.locator('dl.counts');
    expect(await counts.textContent()).toContain('Bị từ chối2');
    const errorTable = page.getByRole('table', { name: 'Báo cáo dòng lỗi' });
    expect(await errorTable.locator('tbody tr').count()).toBe(2);
    expect(await errorTable.textContent()).toContain('INVALID_PHONE');
    // Filter the row report by its code.
    await page.getByLabel('Loại lỗi').selectOption('INVALID_DATE');
    expect(await errorTable.locator('tbody tr').count()).toBe(1);
    expect(await errorTable.locator('tbody tr').first().textContent()).toContain('10');
    await page.getByLabel('Loại lỗi').selectOption('');
    await page_(page, '05-danh-sach-loi');
    const [report] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Tải báo cáo lỗi/ }).click(),
    ]);
    const reportText = await readFile((await report.path())!, 'utf8');
    expect(reportText).toContain('INVALID_PHONE');
    expect(reportText).toContain('INVALID_DATE');

    await page.getByLabel(/Kéo thả tệp CSV/).setInputFiles({
      name: 'danh-sach-da-sua.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(rosterCsv(tag, false)),
    });
    await page.getByRole('button', { name: 'Tải lên và nhập' }).click();
    await page.locator('.import strong', { hasText: 'danh-sach-da-sua.csv' }).waitFor();
    await page.getByText('Đã nhập xong.').waitFor();
    await shoot(page, '06-danh-sach-da-sua');
    expect(await counts.textContent()).toContain('Bị từ chối0');
    // The ten rows already stored by the first file come back as duplicates, never as rejections.
    const count = async (label: string) =>
      Number(await counts.locator('div', { hasText: label }).locator('dd').textContent());
    expect((await count('Đã lưu')) + (await count('Trùng'))).toBe(12);
    const codes = await page.locator('table tbody td:nth-child(3)').allTextContents();
    expect(codes.filter((c) => c !== 'DUPLICATE_DOSSIER')).toEqual([]);

    // The people stored, decrypted for the administrator.
    await page.getByRole('link', { name: 'Người dân', exact: true }).click();
    const people = page.getByRole('table', { name: /Người dân \(12 đã tải/ });
    await people.waitFor();
    expect(await people.textContent()).toContain('Người Dân 1');
    await page.getByLabel('Đơn vị', { exact: true }).selectOption('LB-VH');
    expect(await people.locator('tbody tr').count()).toBe(6);
    await page_(page, '06b-nguoi-dan');

    // The frame is complete before the deadline: the officer closes the rosters (the draw waits for it).
    await page.getByRole('link', { name: 'Tổng quan' }).click();
    await page.getByLabel('Bước tiếp theo').selectOption('ROSTERS_CLOSED');
    await page.getByLabel(/Lý do/).fill('Đủ danh sách của các đơn vị');
    await page.getByRole('button', { name: 'Chuyển bước' }).click();
    await page.locator('.lifecycle [aria-current="step"]', { hasText: 'Đã khóa danh sách' }).waitFor();
    await page_(page, '06c-khoa-danh-sach');

    // Draw: the round's quota is the form's default.
    await page.getByRole('link', { name: 'Chọn mẫu' }).click();
    expect(await page.getByLabel('Số phiếu chính thức mỗi tầng').inputValue()).toBe('3');
    await page.getByLabel('Hạt giống (seed)').fill(`xo-so-${tag}`);
    await page.getByLabel('Số phiếu chính thức mỗi tầng').fill('3');
    await page.getByLabel('Số dự phòng mỗi tầng').fill('2');
    await page.getByRole('button', { name: 'Chọn mẫu', exact: true }).click();
    await page.getByText(/Đã chọn xong: 6 chính thức, 4 dự phòng/).waitFor();
    const strata = page.getByRole('table', { name: /Kết quả theo tầng/ });
    expect(await strata.locator('tbody tr').count()).toBe(2);
    await page_(page, '07-chon-mau');
    const [list] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /official\.csv/ }).click(),
    ]);
    const official = await readFile((await list.path())!, 'utf8');
    const tokens = [...official.matchAll(/\/f\/([A-Za-z0-9_-]+)/g)].map((m) => m[1]!);
    expect(tokens).toHaveLength(6);

    // One official respondent cannot be reached: the officer substitutes them from the console.
    await page.getByLabel('Ghi chú').fill('Gọi ba lần không liên lạc được');
    await page.getByRole('button', { name: 'Thay bằng người dự phòng kế tiếp' }).click();
    await page.getByText(/Đã thay thế; người dự phòng hạng \d+ được kích hoạt/).waitFor();
    await page_(page, '07a-thay-the');
    // Exactly one of the six links now answers 410 (revoked); opening a form never uses its token.
    const opened = await Promise.all(tokens.map((t) => fetch(`${baseUrl()}/f/${t}`).then((r) => r.status)));
    expect(opened.filter((s) => s === 410)).toHaveLength(1);
    const usable = tokens.filter((_, i) => opened[i] === 200);
    expect(usable).toHaveLength(5);

    // A respondent opens their link on a phone, in a browser of their own, and answers.
    const phone = await launch();
    try {
      const form = await phone.newPage();
      await form.setViewportSize(PHONE);
      await form.goto(`${baseUrl()}/f/${usable[0]}`);
      await form.getByRole('button', { name: 'Gửi phiếu' }).waitFor();
      for (const [j, id] of scaleIds.entries()) {
        await form.locator(`fieldset[data-q="${id}"] label >> nth=${j % 5}`).click();
      }
      await form.getByRole('button', { name: 'Gửi phiếu' }).click();
      await form.getByText(/Mã biên nhận: rcp_/).waitFor();
      await form.screenshot({ path: join(ARTIFACTS, '07a-phieu-nguoi-dan-360.png'), fullPage: true });
    } finally {
      await phone.close();
    }

    // Three more answer through the public API; the fifth sends the paper form back by post.
    for (const [i, token] of usable.slice(1, 4).entries()) {
      // Varied levels so the indices are not round numbers.
      const answers = Object.fromEntries(scaleIds.map((id, j) => [id, 1 + ((i * 2 + j) % 5)]));
      expect((await api('POST', '/api/submissions', { token: null, body: { token, answers } })).status).toBe(
        201,
      );
    }
    // The paper form is keyed twice, blind, by two operators; one answer differs; the supervisor decides.
    const paperLine = official.split(/\r?\n/).find((l) => l.includes(usable[4]!)) ?? '';
    const paperCode = /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{1,2}\b/.exec(paperLine)?.[0] ?? '';
    expect(paperCode).not.toBe('');
    const keyPaper = async (p: Page, pass: '1' | '2', level: (j: number) => number) => {
      await p.getByRole('link', { name: 'Phiếu giấy' }).click();
      await p.getByLabel('Mã phiếu in trên thư').fill(paperCode);
      await p.getByLabel('Lần nhập', { exact: true }).selectOption(pass);
      for (const [j, id] of scaleIds.entries()) {
        await p.locator(`fieldset[data-q="${id}"] input[value="${level(j)}"]`).check();
      }
      await p.getByRole('button', { name: 'Lưu phiếu giấy' }).click();
    };
    await keyPaper(page, '1', (j) => 1 + (j % 5));
    await page.getByText(/Chờ nhập lần 2/).waitFor();
    await page_(page, '07c-phieu-giay-lan-1');
    const second = await launch();
    try {
      const op = await second.newPage();
      await op.setViewportSize(DESKTOP);
      await signIn(op, /Cán bộ nghiệp vụ Sở Nội vụ/);
      await op.goto(roundUrl);
      await op.getByRole('heading', { name: 'Tiến trình' }).waitFor();
      // The first question keyed differently (2 instead of 1).
      await keyPaper(op, '2', (j) => (j === 0 ? 2 : 1 + (j % 5)));
      await op
        .getByText(/lệch nhau/)
        .first()
        .waitFor();
      // An operator is not offered the supervisor's resolution.
      expect(await op.getByRole('button', { name: /Xử lý phiếu/ }).count()).toBe(0);
    } finally {
      await second.close();
    }
    await page.reload();
    await page.getByRole('button', { name: /Xử lý phiếu/ }).click();
    await page.getByLabel(/Lần 2: 2/).check();
    await page.getByRole('button', { name: 'Lưu theo lựa chọn của giám sát viên' }).click();
    await page.getByText(/Đã lưu phiếu .*biên nhận rcp_/).waitFor();
    await page_(page, '07d-giam-sat-xu-ly');

    // Field work: 5 of 6 issued forms returned, once the live counters have caught up.
    await page.getByRole('link', { name: 'Tiến độ' }).click();
    const progress = page.getByRole('table', { name: 'Tiến độ theo đơn vị và lĩnh vực' });
    await progress.waitFor();
    for (
      let tries = 0;
      !((await page.locator('dl.counts').textContent()) ?? '').includes('83,3 %');
      tries++
    ) {
      expect(tries, 'live counters reach 5 returned').toBeLessThan(60);
      await page.waitForTimeout(500);
      await page.reload();
      await progress.waitFor();
    }
    expect(await progress.locator('tbody tr').count()).toBe(2);
    await page_(page, '07b-tien-do');

    await page.getByRole('link', { name: 'Kết quả' }).click();
    await page.getByRole('button', { name: 'Tính điểm' }).click();
    const chart = page.locator('figure.chart canvas');
    await chart.waitFor();
    const label = (await chart.getAttribute('aria-label')) ?? '';
    // Vietnamese decimals (comma) in the bar labels' text alternative.
    expect(label).toMatch(/^Chỉ số theo đơn vị: /);
    const ranking = page.getByRole('table', { name: 'Xếp hạng đơn vị' });
    expect(await ranking.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await ranking.textContent()).toContain('UBND phường Thượng Thanh');
    // Each unit's index as the API computed it, written the Vietnamese way (85,78) in the table and the chart.
    const scored = await api('GET', `/api/rounds/${roundId}/results`);
    const vi = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
    for (const unit of scored.json.latest.units as { unitCode: string; index: number }[]) {
      const row = ranking.locator('tbody tr', {
        hasText: unit.unitCode === 'LB-TT' ? 'Thượng Thanh' : 'Việt Hưng',
      });
      expect(await row.locator('td').nth(2).textContent()).toBe(vi.format(unit.index));
      expect(label).toContain(vi.format(unit.index));
    }
    // Sort the ranking by keyboard: focus the column's button, press Enter twice → descending.
    const indexHeader = ranking.getByRole('columnheader', { name: /Chỉ số/ }).first();
    await indexHeader.getByRole('button').focus();
    await page.keyboard.press('Enter');
    expect(await indexHeader.getAttribute('aria-sort')).toBe('ascending');
    await page.keyboard.press('Enter');
    expect(await indexHeader.getAttribute('aria-sort')).toBe('descending');
    await page_(page, '08-ket-qua');
    const [workbook] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /results\.xlsx/ }).click(),
    ]);
    // An XLSX is a ZIP: its first bytes are "PK".
    expect((await readFile((await workbook.path())!)).subarray(0, 2).toString('latin1')).toBe('PK');
    // The printable report hides the navigation.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.banner').isHidden()).toBe(true);
    expect(await page.locator('.print-title').textContent()).toContain('Báo cáo kết quả khảo sát');
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: join(ARTIFACTS, '09-bao-cao-in.png'), fullPage: true });
    // The A4 report as Chromium prints it.
    const pdf = await page.pdf({
      path: join(ARTIFACTS, '09-bao-cao-ket-qua.pdf'),
      format: 'A4',
      printBackground: true,
    });
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    await page.setViewportSize(DESKTOP);
    await page.emulateMedia({ media: 'screen' });

    // The audit trail: the substitution and the paper form's resolution, with who did them.
    await page.getByRole('link', { name: 'Nhật ký' }).click();
    const trail = page.getByRole('table', { name: 'Nhật ký thao tác của đợt' });
    await trail.getByRole('cell', { name: 'Thay thế người trả lời' }).first().waitFor();
    await page_(page, '10-nhat-ky');
    await page.getByRole('link', { name: 'Kết quả' }).click();

    // A deep link opens straight on its tab after a reload.
    await page.reload();
    await page.getByRole('table', { name: 'Xếp hạng đơn vị' }).waitFor();
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await page.close();
  }, 240_000);

  it('a unit focal point sees only its unit and no admin action; the API refuses them', async () => {
    expect(roundId).not.toBe('');
    const page = await context.newPage();
    await signIn(page, /Đầu mối UBND phường Thượng Thanh/);
    expect(await page.getByRole('link', { name: 'Tạo đợt khảo sát' }).count()).toBe(0);
    await page.goto(roundUrl);
    const units = page.getByRole('table', { name: /Đơn vị của đợt/ });
    await units.waitFor();
    expect(await units.locator('tbody tr').count()).toBe(1);
    expect(await units.textContent()).toContain('LB-TT');
    expect(await units.textContent()).not.toContain('LB-VH');
    await page_(page, '10-dau-moi-tong-quan');
    await page.getByRole('link', { name: 'Kết quả' }).click();
    const ranking = page.getByRole('table', { name: 'Xếp hạng đơn vị' });
    await ranking.waitFor();
    expect(await ranking.locator('tbody tr').count()).toBe(1);
    expect(await ranking.textContent()).not.toContain('Việt Hưng');
    expect(await page.getByRole('button', { name: 'Tính điểm' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Người dân', exact: true }).click();
    const people = page.getByRole('table', { name: /Người dân \(6 đã tải/ });
    await people.waitFor();
    expect(await people.textContent()).not.toContain('Việt Hưng');
    await page.getByRole('link', { name: 'Chọn mẫu' }).click();
    await page.getByRole('heading', { name: 'Mẫu đã chọn' }).waitFor();
    expect(await page.getByLabel('Hạt giống (seed)').count()).toBe(0);
    await page_(page, '11-dau-moi-chon-mau');

    const token = await tokenOf(page);
    const create = await api('POST', '/api/rounds', {
      token,
      body: {
        name: 'x',
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'A', name: 'A' }],
        fields: [{ name: 'F' }],
      },
    });
    expect(create.status).toBe(403);
    const draw = await api('POST', `/api/rounds/${roundId}/samples`, {
      token,
      body: { seed: 'x', officialPerStratum: 1, reservePerStratum: 0 },
    });
    expect(draw.status).toBe(403);
    expect((await api('POST', `/api/rounds/${roundId}/scoring`, { token })).status).toBe(403);
    const results = await api('GET', `/api/rounds/${roundId}/results`, { token });
    expect(results.json.latest.units.map((u: { unitCode: string }) => u.unitCode)).toEqual(['LB-TT']);
    await page.close();
  }, 120_000);

  it('a viewer, signed in by keyboard, is offered no change; the API answers 403', async () => {
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/ops/`);
    const viewer = page.getByRole('button', { name: /Lãnh đạo Sở/ });
    await viewer.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Đợt khảo sát' }).waitFor();
    expect(await page.getByRole('link', { name: 'Tạo đợt khảo sát' }).count()).toBe(0);
    await page.goto(`${roundUrl}/rosters`);
    await page.getByText('Vai trò của bạn chỉ xem được').waitFor();
    expect(await page.getByRole('button', { name: 'Tải lên và nhập' }).count()).toBe(0);
    await page_(page, '12-chi-xem-danh-sach');
    expect(await page.getByRole('link', { name: 'Người dân', exact: true }).count()).toBe(0);
    expect(
      (await api('GET', `/api/rounds/${roundId}/respondents`, { token: await tokenOf(page) })).status,
    ).toBe(403);
    await page.getByRole('link', { name: 'Chọn mẫu' }).click();
    await page.getByRole('heading', { name: 'Mẫu đã chọn' }).waitFor();
    await page.getByText(/Đã chọn xong/).waitFor();
    expect(await page.getByRole('button', { name: /official\.csv/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Kết quả' }).click();
    await page.getByRole('table', { name: 'Xếp hạng đơn vị' }).waitFor();
    expect(await page.getByRole('button', { name: 'Tính điểm' }).count()).toBe(0);

    const token = await tokenOf(page);
    const upload = await api('POST', `/api/rounds/${roundId}/rosters?filename=x.csv`, {
      token,
      raw: rosterCsv(`${tag}-v`, false),
    });
    expect(upload.status).toBe(403);
    expect(upload.json.error.code).toBe('FORBIDDEN');
    const samples = await api('POST', `/api/rounds/${roundId}/samples`, {
      token,
      body: { seed: 'x', officialPerStratum: 1, reservePerStratum: 0 },
    });
    expect(samples.status).toBe(403);
    await page.close();
  }, 120_000);

  it('works by keyboard alone: skip link, create a round, open its tabs', async () => {
    const page = await context.newPage();
    await signIn(page, /Quản trị viên Sở Nội vụ/);
    const focused = () =>
      page.evaluate(
        'document.activeElement && (document.activeElement.id || document.activeElement.textContent)',
      );
    // On a fresh load the first Tab reaches the skip link.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Đợt khảo sát' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Bỏ qua, đến nội dung chính');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('main');
    // Tab to "Tạo đợt khảo sát" and follow it.
    for (let i = 0; i < 20 && (await focused()) !== 'Tạo đợt khảo sát'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Tạo đợt khảo sát' }).waitFor();
    const tabTo = async (id: string) => {
      for (let i = 0; i < 30 && (await focused()) !== id; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(id);
    };
    await tabTo('r-name');
    await page.keyboard.type(`Bàn phím ${tag}`);
    await tabTo('r-units');
    await page.keyboard.type('LB-TT; UBND phường Thượng Thanh');
    await tabTo('r-fields');
    await page.keyboard.type('Tư pháp');
    await page.keyboard.press('Tab');
    for (let i = 0; i < 10 && (await focused()) !== 'Tạo đợt'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: new RegExp(`Bàn phím ${tag}`) }).waitFor();
    // The tabs are links in the tab order.
    for (let i = 0; i < 20 && (await focused()) !== 'Kết quả'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Đợt này chưa được tính điểm.').waitFor();
    await page.close();
  }, 120_000);

  it('an unknown console path shows a Vietnamese not-found page', async () => {
    const page = await context.newPage();
    await signIn(page, /Quản trị viên Sở Nội vụ/);
    await page.goto(`${baseUrl()}/ops/khong-co`);
    await page.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' }).waitFor();
    await page_(page, '13-khong-tim-thay');
    await page.close();
  });
});
