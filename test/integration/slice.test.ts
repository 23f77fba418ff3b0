/**
 * The thin end-to-end slice over HTTP, on the real engines (DynamoDB Local + fauxqs) started
 * by the global setup: round → roster → sample → form → submission → scoring → results.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { api, baseUrl, eventually, liveCountsReach, unique } from './support/api.ts';

const template = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS);
const questions = template.sections.flatMap((s) => s.questions);
const scaleIds = questions.filter((q) => q.type === 'scale').map((q) => q.id);

/** Valid answers to every required question; every scale item gets `level`. */
const answersAll = (level: number): Record<string, unknown> => {
  const answers: Record<string, unknown> = {};
  for (const q of questions) {
    if (q.type === 'scale') answers[q.id] = level;
    else if (q.required && q.type === 'single') answers[q.id] = q.options![0]!.value;
    else if (q.required && q.type === 'multi') answers[q.id] = [q.options![0]!.value];
    else if (q.required && q.type === 'text') answers[q.id] = 'Ý kiến';
  }
  return answers;
};

const ROSTER = [
  '\ufeffDANH SÁCH TỔ CHỨC, CÔNG DÂN GIẢI QUYẾT TTHC;;;;;;',
  ';;;;;;',
  'STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả',
  ...Array.from(
    { length: 12 },
    (_, i) =>
      `${i + 1};Nguyễn Văn Khách ${i + 1};09${String(1000000 + i).padStart(8, '0')};A-${i + 1};Tư pháp;U1;0${1 + (i % 9)}/03/2026`,
  ),
  ...Array.from(
    { length: 6 },
    (_, i) =>
      `${i + 13};Trần Thị Dân ${i + 1};+84 91 200 00${String(i).padStart(2, '0')};B-${i + 1};dat-dai;U2;2026-04-0${1 + i}`,
  ),
  '19;Lê Văn Sai;12345;C-1;Tư pháp;U1;01/03/2026',
  '20;Phạm Thị Lạ;0912000999;C-2;Tư pháp;KHONGCO;01/03/2026',
  '21;Đỗ Văn Trùng;0912000998;A-1;Tư pháp;U1;01/03/2026',
  '22;;0912000997;C-3;Tư pháp;U1;01/03/2026',
  '23;Bùi Văn Cũ;01662345678;C-4;Đất đai;U2;31/02/2026',
  '24;Ngô Văn Mới;01662345678;C-5;Đất đai;U2;28/02/2026',
].join('\r\n');

describe('thin slice: round → roster → sample → form → submission → scoring', () => {
  let roundId = '';
  let importId = '';
  let sampleId = '';
  let tokens: string[] = [];

  beforeAll(async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: 'Khảo sát SIPAS thử nghiệm 2026',
        year: 2026,
        kind: 'SIPAS',
        units: [
          { code: 'U1', name: 'UBND phường Một', type: 'ward' },
          { code: 'U2', name: 'UBND xã Hai', type: 'commune' },
        ],
        fields: [{ name: 'Tư pháp' }, { code: 'dat-dai', name: 'Đất đai' }],
      },
    });
    expect(created.status).toBe(201);
    roundId = created.json.roundId;
  });

  it('reads the round back with generated field codes and the default template', async () => {
    const res = await api('GET', `/api/rounds/${roundId}`);
    expect(res.status).toBe(200);
    expect(res.json.fields).toEqual([
      { code: 'tu-phap', name: 'Tư pháp' },
      { code: 'dat-dai', name: 'Đất đai' },
    ]);
    expect(res.json.templateId).toBe(DEFAULT_TEMPLATE_IDS.SIPAS);
    // The methodology version in force for 2026 (two-tier local government since 1/7/2025).
    expect(res.json.structure).toBe('two-tier');
    expect(res.json.methodologyVersion).toBe('2025.1');
  });

  it('imports a roster: valid rows stored, bad rows reported with spreadsheet row numbers', async () => {
    const res = await api('POST', `/api/rounds/${roundId}/rosters?filename=ds.csv`, { raw: ROSTER });
    expect(res.status).toBe(202);
    importId = res.json.importId;
    const report = await eventually('import completed', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${importId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    });
    expect(report).toMatchObject({ dataRows: 24, valid: 19, rejected: 5, stored: 19, duplicates: 0 });
    const byRow = Object.fromEntries(
      report.errors.map((e: { row: number; code: string }) => [e.row, e.code]),
    );
    // Header is on row 3 (two title rows above it); data row i sits on spreadsheet row i + 3.
    expect(byRow).toEqual({
      22: 'INVALID_PHONE',
      23: 'UNKNOWN_UNIT',
      24: 'DUPLICATE_DOSSIER',
      25: 'MISSING_REQUIRED',
      26: 'INVALID_DATE',
    });
    expect(report.warnings).toBe(1); // row 27: 0166… → 036… (PHONE_LEGACY_CONVERTED)
    const csv = await api('GET', `/api/rounds/${roundId}/rosters/${importId}/errors.csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Dòng,Cột,Mã lỗi,Nội dung');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '22,Số điện thoại,INVALID_PHONE',
      '23,Mã đơn vị,UNKNOWN_UNIT',
      '24,Mã hồ sơ,DUPLICATE_DOSSIER',
      '25,Họ và tên,MISSING_REQUIRED',
      '26,Ngày hoàn thành,INVALID_DATE',
    ]);
    expect(JSON.stringify(report)).not.toContain('Nguyễn');
  });

  it('re-uploading the same file returns the same import and stores nothing twice', async () => {
    const again = await api('POST', `/api/rounds/${roundId}/rosters?filename=ds.csv`, { raw: ROSTER });
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ importId, duplicateUpload: true });
    const report = (await api('GET', `/api/rounds/${roundId}/rosters/${importId}`)).json;
    expect(report.stored).toBe(19);
  });

  it('refuses a roster without a required column, naming it, and stores nothing', async () => {
    const res = await api('POST', `/api/rounds/${roundId}/rosters`, {
      raw: 'Họ và tên,Số điện thoại,Mã hồ sơ\nA,0912345678,X-1\n',
    });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('MISSING_COLUMN');
    expect(res.json.error.message).toContain('Lĩnh vực');
  });

  it('draws official and reserve lists per unit × field, reproducibly', async () => {
    const res = await api('POST', `/api/rounds/${roundId}/samples`, {
      body: { seed: 'xo-so-2026-11-23', officialPerStratum: 5, reservePerStratum: 3 },
    });
    expect(res.status).toBe(202);
    sampleId = res.json.sampleId;
    const manifest = await eventually('sample drawn', async () => {
      const m = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
      return m.json?.status === 'completed' ? m.json : undefined;
    });
    expect(manifest.algorithm).toBe('sha256-rank-v1');
    expect(manifest.rosterHash).toMatch(/^[0-9a-f]{64}$/);
    // U1 × tu-phap has 12 persons; U2 × dat-dai has 6 + the legacy-phone row = 7.
    expect(manifest.strata).toEqual([
      { unitCode: 'U1', fieldCode: 'tu-phap', persons: 12, official: 5, reserve: 3, shortfall: 0 },
      { unitCode: 'U2', fieldCode: 'dat-dai', persons: 7, official: 5, reserve: 2, shortfall: 0 },
    ]);
    const again = await api('POST', `/api/rounds/${roundId}/samples`, {
      body: { seed: 'xo-so-2026-11-23', officialPerStratum: 5, reservePerStratum: 3 },
    });
    expect(again.json).toEqual({ sampleId, duplicateRequest: true });
  });

  it('exports the official list with form links, byte-identical on every export', async () => {
    const first = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/csv');
    const second = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`);
    expect(second.text).toBe(first.text);
    const lines = first.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(11);
    expect(lines[1]).toMatch(/^1,U1,UBND phường Một,Tư pháp,Chính thức,1,Nguyễn Văn Khách \d+,\+8490\d{7},/);
    tokens = lines.slice(1).map((l) => /\/f\/([A-Za-z0-9_-]+)$/.exec(l)![1]!);
    expect(new Set(tokens).size).toBe(10);
    const reserve = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/reserve.csv`);
    expect(
      reserve.text
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n'),
    ).toHaveLength(6);
  });

  it('serves the form without using the token; inputs are named by question id', async () => {
    const head = await fetch(`${baseUrl()}/f/${tokens[0]}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const page = await api('GET', `/f/${tokens[0]}`, { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('lang="vi"');
    for (const id of scaleIds) expect(page.text).toContain(`name="${id}"`);
    expect(page.text).toContain('UBND phường Một');
    const unknown = await api('GET', '/f/AAAAAAAAAAAAAAAAAAAAAA', { token: null });
    expect(unknown.status).toBe(404);
  });

  it('accepts a submission once: same body → same receipt, other body → 409', async () => {
    const token = tokens[0]!;
    const first = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: answersAll(5) },
    });
    expect(first.status).toBe(201);
    expect(first.json.receiptId).toMatch(/^rcp_/);
    const same = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: answersAll(5) },
    });
    expect(same.status).toBe(200);
    expect(same.json).toEqual(first.json);
    const other = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: answersAll(1) },
    });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('ALREADY_SUBMITTED');
    const page = await api('GET', `/f/${token}`, { token: null });
    expect(page.text).toContain(first.json.receiptId);
  });

  it('rejects invalid answers without using the token', async () => {
    const token = tokens[1]!;
    const bad = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: { ...answersAll(4), [scaleIds[0]!]: 7, khong_co: 1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('INVALID_ANSWERS');
    const paths = bad.json.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain(scaleIds[0]);
    expect(paths).toContain('khong_co');
    const extra = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: answersAll(4), admin: true },
    });
    expect(extra.status).toBe(400);
    const ok = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: answersAll(4) },
    });
    expect(ok.status).toBe(201);
  });

  it('stores exactly one of 20 concurrent submissions on one token', async () => {
    const token = tokens[2]!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api('POST', '/api/submissions', {
          token: null,
          body: { token, answers: answersAll(i % 2 === 0 ? 1 : 2) },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 200 || s === 409)).toBe(true);
  });

  it('accepts a plain HTML form post (no JavaScript)', async () => {
    const token = tokens[5]!; // U2 × dat-dai (rows 6–10 of the official list)
    const form = new URLSearchParams();
    for (const [id, value] of Object.entries(answersAll(3))) {
      for (const v of Array.isArray(value) ? value : [value]) form.append(id, String(v));
    }
    const res = await api('POST', `/f/${token}`, {
      token: null,
      raw: form.toString(),
      type: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(201);
    expect(res.text).toContain('Mã biên nhận: rcp_');
    // An out-of-scale value re-renders the form with the error beside the question, keeping the token unused.
    const invalid = await api('POST', `/f/${tokens[6]}`, {
      token: null,
      raw: `${scaleIds[0]}=7&${scaleIds[1]}=4`,
      type: 'application/x-www-form-urlencoded',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain(`id="err-${scaleIds[0]}"`);
    expect(invalid.text).toMatch(new RegExp(`name="${scaleIds[1]}" value="4" checked`));
    const page = await api('GET', `/f/${tokens[6]}`, { token: null });
    expect(page.text).toContain('<form id="survey"');
  });

  it('scores the round: share of answers 4–5 per unit, with counts', async () => {
    // U1: form 1 all 5s, form 2 all 4s, form 3 all 1s or all 2s → every item 2/3 satisfied = 66.67.
    // U2: one form, all 3s → 0 satisfied = 0.
    await liveCountsReach(roundId, 4);
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    expect(run.status).toBe(202);
    const results = await eventually('results of this run', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/results`);
      return r.json?.latest?.runId === run.json.runId ? r.json : undefined;
    });
    const u1 = results.latest.units.find((u: { unitCode: string }) => u.unitCode === 'U1');
    const u2 = results.latest.units.find((u: { unitCode: string }) => u.unitCode === 'U2');
    expect(u1.index).toBe(66.67);
    expect(u1.counts).toMatchObject({ issued: 5, returned: 3, valid: 3 });
    expect(u2.index).toBe(0);
    expect(u2.counts).toMatchObject({ issued: 5, returned: 1, valid: 1 });
    expect(results.latest.round.counts).toMatchObject({ issued: 10, returned: 4, valid: 4 });
    const live = Object.fromEntries(
      results.live.map((c: { unitCode: string; returned: number }) => [c.unitCode, c.returned]),
    );
    expect(live).toEqual({ U1: 3, U2: 1 });
  });
});

describe('ops API basics', () => {
  it('answers health without a token', async () => {
    const res = await api('GET', '/api/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('ok');
  });

  it('401 without or with a wrong token, JSON error model in Vietnamese', async () => {
    const none = await api('GET', '/api/rounds', { token: null });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('UNAUTHENTICATED');
    const wrong = await api('GET', '/api/rounds', { token: 'sai-ma' });
    expect(wrong.status).toBe(401);
    expect(typeof wrong.json.error.message).toBe('string');
  });

  it('400 on malformed JSON, 404 on unknown routes and rounds, 405 on a wrong method', async () => {
    const bad = await api('POST', '/api/rounds', { raw: '{"name": ', type: 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('MALFORMED_JSON');
    const nowhere = await api('GET', '/api/khong-co');
    expect(nowhere.status).toBe(404);
    expect(nowhere.json.error.code).toBe('NOT_FOUND');
    const noRound = await api('GET', `/api/rounds/${unique('r')}`);
    expect(noRound.status).toBe(404);
    expect(noRound.json.error.code).toBe('ROUND_NOT_FOUND');
    const method = await api('DELETE', '/api/rounds');
    expect(method.status).toBe(405);
    expect(method.json.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(method.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('413 on an oversized body, and no stack trace anywhere', async () => {
    const big = await api('POST', '/api/submissions', {
      token: null,
      raw: `{"token":"${'a'.repeat(70 * 1024)}"}`,
      type: 'application/json',
    });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(big.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('validates a round: duplicate unit codes are named', async () => {
    const res = await api('POST', '/api/rounds', {
      body: {
        name: 'X',
        year: 2026,
        kind: 'SIPAS',
        units: [
          { code: 'A', name: 'A' },
          { code: 'A', name: 'B' },
        ],
        fields: [{ name: 'F' }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].message).toContain('"A"');
  });

  it('an Idempotency-Key makes a re-sent round creation return the same round', async () => {
    const key = unique('idem');
    const body = {
      name: 'Đợt lặp',
      year: 2025,
      kind: 'SIPAS',
      units: [{ code: 'A', name: 'A' }],
      fields: [{ name: 'F' }],
    };
    const a = await api('POST', '/api/rounds', { body, headers: { 'idempotency-key': key } });
    const b = await api('POST', '/api/rounds', { body, headers: { 'idempotency-key': key } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.json.roundId).toBe(a.json.roundId);
    const c = await api('POST', '/api/rounds', {
      body: { ...body, name: 'Khác' },
      headers: { 'idempotency-key': key },
    });
    expect(c.status).toBe(409);
  });
});
