/**
 * The complete PAR Index over HTTP (issue 11 §3): the year's criteria tree imported as a versioned CSV
 * and attached to a PAR round; each unit's focal point self-assesses (refused on the other unit), with
 * evidence uploaded by presigned URL; the Sở appraises with reasons, publishes, the unit answers, the Sở
 * finalises; rater forms are answered; scoring composes index, grade and rank — the expected figures are
 * computed here independently from the inputs; the deadline refuses late entries; every change is audited.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleJwtKey, signConsoleJwt } from '../../infra/local/authorizer.ts';
import { readRoundAudit } from '../../shared/contracts/audit.ts';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { TABLE_NAMES } from '../../shared/platform/resources.ts';
import { api, baseUrl, devToken, eventually, unique } from './support/api.ts';
import { createDepartmentsParRound, drawnTokens, smallRoster } from './support/drawn.ts';

const template = getTemplate(DEFAULT_TEMPLATE_IDS.PAR);
const scored = template.sections.flatMap((s) => s.questions).filter((q) => q.maxPoints !== undefined);
const answering = (option: string) => Object.fromEntries(scored.map((q) => [q.id, option]));

const jwt = (sub: string, roles: string[], units: string[]) =>
  signConsoleJwt(consoleJwtKey(devToken()), { sub, name: sub, roles, units });

const criteriaId = unique('par-tieu-chi').toLowerCase();
const CRITERIA_CSV = [
  'Bộ tiêu chí Chỉ số CCHC các sở 2026 (dòng tiêu đề phụ)',
  'Mã;Mã cấp trên;Nội dung;Điểm tối đa;Phương pháp;Cần tài liệu kiểm chứng;Áp dụng',
  'LV1;;Công tác chỉ đạo, điều hành;10;thẩm định;;',
  '1.1;LV1;Kế hoạch cải cách hành chính;4;thẩm định;có;',
  '1.2;LV1;Kiểm tra, tuyên truyền;6;thẩm định;;',
  '1.2.1;1.2;Kiểm tra công tác CCHC;2;thẩm định;không;',
  '1.2.2;1.2;Tuyên truyền CCHC;4;thẩm định;có;',
  'LV2;;Cải cách thủ tục hành chính;10;thẩm định;;',
  '2.1;LV2;Công khai thủ tục hành chính;5;thẩm định;có;',
  '2.2;LV2;Tỷ lệ hồ sơ giải quyết đúng hạn;5;công thức;;',
  'DT;;Điều tra xã hội học;40;điều tra xã hội học;;',
].join('\n');
const criteriaQuery = `?id=${criteriaId}&year=2026&level=department&title=${encodeURIComponent('Bộ tiêu chí thử')}`;

// The inputs; the expected index is computed from them below, not copied from the service.
const SELF: Record<string, Record<string, number>> = {
  STP: { '1.1': 3.5, '1.2.1': 2, '1.2.2': 3, '2.1': 4.25 },
  SNV: { '1.1': 4, '1.2.1': 1.5, '1.2.2': 4, '2.1': 5 },
};
const APPRAISED: Record<string, Record<string, number>> = {
  STP: { '1.1': 3, '2.1': 4, '2.2': 4.5 },
  SNV: { '1.2.2': 2.75, '2.2': 3 },
};
const RATER_FORMS: Record<string, string[]> = { STP: ['A', 'A', 'B'], SNV: ['C'] };
const WEIGHT: Record<string, number> = { A: 1, B: 0.6, C: 0.2, D: 0 };
const MAX = { appraisal: 15, formula: 5, survey: 40, total: 60 };

const expected = (unit: string) => {
  const leaves = ['1.1', '1.2.1', '1.2.2', '2.1'];
  const appraisal = leaves.reduce((s, c) => s + (APPRAISED[unit]?.[c] ?? SELF[unit]?.[c] ?? 0), 0);
  const formula = APPRAISED[unit]?.['2.2'] ?? 0;
  const forms = RATER_FORMS[unit] ?? [];
  // Every item answered alike on a form: mean option weight × the survey leaf's maximum.
  const survey = (forms.reduce((s, o) => s + (WEIGHT[o] ?? 0), 0) / forms.length) * MAX.survey;
  const index = ((appraisal + formula + survey) / MAX.total) * 100;
  const grade = index >= 90 ? 'A' : index >= 80 ? 'B' : index >= 70 ? 'C' : 'D';
  return { appraisal, formula, survey, index, grade };
};
const round2 = (x: number) => Math.round(x * 100 + 1e-9) / 100;

describe('PAR Index: criteria, self-assessment, appraisal and the rater survey over HTTP', () => {
  let roundId = '';
  let version = 0;
  const tokens: Record<string, string[]> = {};
  let focal: Record<string, string> = {};
  let viewer = '';

  beforeAll(async () => {
    focal = {
      SNV: await jwt('dau-moi-snv', ['operator'], ['SNV']),
      STP: await jwt('dau-moi-stp', ['operator'], ['STP']),
    };
    viewer = await jwt('lanh-dao-xem', ['viewer'], ['*']);
    roundId = await createDepartmentsParRound('Chỉ số CCHC các sở');
    const roster = smallRoster({
      person: 'Cán bộ',
      phone: '09140000',
      dossier: 'Q',
      field: 'lanh-dao',
      units: [
        ['SNV', 3],
        ['STP', 3],
      ],
    });
    Object.assign(
      tokens,
      await drawnTokens(roundId, roster, { seed: 'par-tham-dinh', officialPerStratum: 3 }),
    );
  });

  it('imports the criteria tree as an immutable, versioned CSV validated by the domain', async () => {
    const first = await api('POST', `/api/par-criteria${criteriaQuery}`, { raw: CRITERIA_CSV });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ id: criteriaId, version: 1, declaredMaxPoints: 60, source: 'csv' });
    version = first.json.version;
    const again = await api('POST', `/api/par-criteria${criteriaQuery}`, { raw: CRITERIA_CSV });
    expect(again.status).toBe(200);
    expect(again.json.version).toBe(1);
    // A changed tree under the same id is a new version; version 1 stays as it was.
    const changed = CRITERIA_CSV.replace(
      '2.2;LV2;Tỷ lệ hồ sơ giải quyết đúng hạn;5',
      '2.2;LV2;Tỷ lệ hồ sơ đúng hạn;5',
    );
    const second = await api('POST', `/api/par-criteria${criteriaQuery}`, { raw: changed });
    expect(second.status).toBe(201);
    expect(second.json.version).toBe(2);
    const v1 = await api('GET', `/api/par-criteria/${criteriaId}/1`);
    expect(v1.json.config.fields[1].children[1].title).toBe('Tỷ lệ hồ sơ giải quyết đúng hạn');
    // Maxima that do not add up, an unknown method: refused with row and column, nothing stored.
    const bad = CRITERIA_CSV.replace(
      '1.2.2;1.2;Tuyên truyền CCHC;4',
      '1.2.2;1.2;Tuyên truyền CCHC;3',
    ).replace('công thức', 'bốc thăm');
    const refused = await api('POST', `/api/par-criteria${criteriaQuery}`, { raw: bad });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details).toEqual([
      expect.objectContaining({ path: 'dòng 10, cột "Phương pháp"', code: 'INVALID_METHOD' }),
    ]);
    const sums = await api('POST', `/api/par-criteria${criteriaQuery}`, {
      raw: CRITERIA_CSV.replace('1.2.2;1.2;Tuyên truyền CCHC;4', '1.2.2;1.2;Tuyên truyền CCHC;3'),
    });
    expect(sums.status).toBe(400);
    expect(sums.json.error.details[0].code).toBe('WEIGHTS_MISMATCH');
    const list = await api('GET', '/api/par-criteria');
    expect(list.json.items.filter((c: { id: string }) => c.id === criteriaId)).toHaveLength(2);
    // Only the Sở's admin imports criteria.
    const byOperator = await api('POST', `/api/par-criteria${criteriaQuery}`, {
      raw: CRITERIA_CSV,
      token: focal.SNV,
    });
    expect(byOperator.status).toBe(403);
  });

  it('attaches the version to the round with a deadline and a response window', async () => {
    const deadline = new Date(Date.now() + 86_400_000).toISOString();
    const body = { id: criteriaId, version, selfAssessmentDeadline: deadline, responseWindowHours: 48 };
    const byOperator = await api('PUT', `/api/rounds/${roundId}/par-criteria`, { body, token: focal.SNV });
    expect(byOperator.status).toBe(403);
    const attached = await api('PUT', `/api/rounds/${roundId}/par-criteria`, { body });
    expect(attached.status).toBe(200);
    expect(attached.json).toMatchObject({ criteria: { id: criteriaId, version }, responseWindowHours: 48 });
    const missing = await api('PUT', `/api/rounds/${roundId}/par-criteria`, {
      body: { ...body, version: 99 },
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('CRITERIA_NOT_FOUND');
    const read = await api('GET', `/api/rounds/${roundId}/par-criteria`, { token: focal.STP });
    expect(read.json.config.declaredMaxPoints).toBe(60);
  });

  it('each focal point self-assesses its own unit, with evidence, and is refused on the other', async () => {
    const self = (unit: string, code: string, body: unknown, token = focal[unit]) =>
      api('PUT', `/api/rounds/${roundId}/assessments/${unit}/self/${code}`, { body, token });
    const cross = await self('STP', '1.1', { score: 4, evidence: { note: 'x' } }, focal.SNV);
    expect(cross.status).toBe(403);
    expect(cross.json.error.code).toBe('FORBIDDEN');
    expect((await self('SNV', '1.1', { score: 4 }, viewer)).status).toBe(403);
    const over = await self('SNV', '1.1', { score: 4.5, evidence: { note: 'Kế hoạch số 12/KH' } });
    expect(over.status).toBe(422);
    expect(over.json.error.code).toBe('SCORE_OUT_OF_RANGE');
    const noEvidence = await self('SNV', '1.1', { score: 4 });
    expect(noEvidence.status).toBe(422);
    expect(noEvidence.json.error.code).toBe('EVIDENCE_REQUIRED');
    const notScorable = await self('SNV', 'DT', { score: 4, evidence: { note: 'x' } });
    expect(notScorable.status).toBe(422);

    // Evidence file: a presigned PUT URL of the uploads bucket, then the self-assessment names the key.
    const upload = await api('POST', `/api/rounds/${roundId}/assessments/SNV/evidence-uploads`, {
      body: { filename: 'Kế hoạch CCHC 2026.pdf', contentType: 'application/pdf', size: 9 },
      token: focal.SNV,
    });
    expect(upload.status).toBe(201);
    expect(upload.json.fileKey).toMatch(new RegExp(`^evidence/${roundId}/SNV/`));
    const put = await fetch(upload.json.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: '%PDF-1.7\n',
    });
    expect(put.ok).toBe(true);
    const notUploaded = await self('SNV', '1.1', {
      score: 4,
      evidence: { fileKeys: [`evidence/${roundId}/SNV/ev_x/none.pdf`] },
    });
    expect(notUploaded.json.error.code).toBe('EVIDENCE_FILE_MISSING');
    const otherUnitsFile = await self('STP', '1.1', {
      score: 3.5,
      evidence: { fileKeys: [upload.json.fileKey] },
    });
    expect(otherUnitsFile.status).toBe(400);
    expect(otherUnitsFile.json.error.code).toBe('INVALID_EVIDENCE_FILE');

    const evidence = (unit: string) => ({
      note: `Báo cáo của ${unit}`,
      links: ['https://vanban.example.gov.vn/kh-12'],
      ...(unit === 'SNV' ? { fileKeys: [upload.json.fileKey] } : {}),
    });
    for (const unit of ['STP', 'SNV']) {
      for (const [code, score] of Object.entries(SELF[unit]!)) {
        const res = await self(unit, code, { score, evidence: evidence(unit) });
        expect(res.status, `${unit} ${code}`).toBe(201);
      }
    }
    const again = await self('SNV', '1.1', { score: 4, evidence: evidence('SNV') });
    expect(again.status).toBe(200);
    expect(again.json.created).toBe(false);

    const early = await api('POST', `/api/rounds/${roundId}/assessments/SNV/submit`, { token: focal.STP });
    expect(early.status).toBe(403);
    for (const unit of ['STP', 'SNV']) {
      const sub = await api('POST', `/api/rounds/${roundId}/assessments/${unit}/submit`, {
        token: focal[unit],
      });
      expect(sub.status).toBe(200);
      expect(sub.json.state.status).toBe('submitted');
    }
    const late = await self('SNV', '1.1', { score: 3, evidence: evidence('SNV') });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('SELF_ASSESSMENT_SUBMITTED');
    const view = await api('GET', `/api/rounds/${roundId}/assessments/SNV`, { token: focal.SNV });
    const leaf = view.json.leaves.find((l: { code: string }) => l.code === '1.1');
    expect(leaf.self.files[0].key).toBe(upload.json.fileKey);
    expect(await (await fetch(leaf.self.files[0].url)).text()).toBe('%PDF-1.7\n');
    expect((await api('GET', `/api/rounds/${roundId}/assessments/STP`, { token: focal.SNV })).status).toBe(
      403,
    );
  });

  it('the Sở appraises with a reason per sub-criterion; the unit sees it and answers; the Sở finalises', async () => {
    const appraise = (unit: string, code: string, body: unknown, token?: string) =>
      api('PUT', `/api/rounds/${roundId}/assessments/${unit}/appraisal/${code}`, {
        body,
        ...(token ? { token } : {}),
      });
    expect((await appraise('SNV', '1.2.2', { adjustedScore: 2.75, reason: 'x' }, focal.SNV)).status).toBe(
      403,
    );
    const noReason = await appraise('SNV', '1.2.2', { adjustedScore: 2.75 });
    expect(noReason.status).toBe(400);
    const over = await appraise('SNV', '2.2', { adjustedScore: 6, reason: 'số liệu một cửa' });
    expect(over.json.error.code).toBe('SCORE_OUT_OF_RANGE');
    for (const unit of ['STP', 'SNV']) {
      for (const [code, score] of Object.entries(APPRAISED[unit]!)) {
        const reason =
          code === '2.2'
            ? 'Số liệu Hệ thống thông tin giải quyết TTHC'
            : `Thẩm định ${unit} ${code}: thiếu minh chứng`;
        const res = await appraise(unit, code, { adjustedScore: score, reason });
        expect(res.status, `${unit} ${code}`).toBe(201);
      }
    }
    const tooEarly = await api('POST', `/api/rounds/${roundId}/assessments/SNV/response`, {
      body: { note: 'x' },
      token: focal.SNV,
    });
    expect(tooEarly.json.error.code).toBe('APPRAISAL_NOT_PUBLISHED');
    for (const unit of ['STP', 'SNV']) {
      const pub = await api('POST', `/api/rounds/${roundId}/assessments/${unit}/publish-appraisal`);
      expect(pub.status).toBe(200);
      expect(
        Date.parse(pub.json.state.responseDeadline) - Date.parse(pub.json.state.appraisalPublishedAt),
      ).toBe(48 * 3_600_000);
    }
    const seen = await api('GET', `/api/rounds/${roundId}/assessments/SNV`, { token: focal.SNV });
    const leaf = seen.json.leaves.find((l: { code: string }) => l.code === '1.2.2');
    expect(leaf.self.score).toBe('4');
    expect(leaf.appraisal).toMatchObject({
      adjustedScore: '2.75',
      reason: 'Thẩm định SNV 1.2.2: thiếu minh chứng',
    });
    const crossAnswer = await api('POST', `/api/rounds/${roundId}/assessments/SNV/response`, {
      body: { note: 'x' },
      token: focal.STP,
    });
    expect(crossAnswer.status).toBe(403);
    const answer = await api('POST', `/api/rounds/${roundId}/assessments/SNV/response`, {
      body: { note: 'Đơn vị đã bổ sung kế hoạch tuyên truyền số 7', criterionCode: '1.2.2' },
      token: focal.SNV,
    });
    expect(answer.status).toBe(201);
    const openWindow = await api('POST', `/api/rounds/${roundId}/assessments/STP/finalise`);
    expect(openWindow.status).toBe(409);
    expect(openWindow.json.error.code).toBe('RESPONSE_WINDOW_OPEN');
    const fin = await api('POST', `/api/rounds/${roundId}/assessments/SNV/finalise`);
    expect(fin.status).toBe(200);
    expect(fin.json.state.status).toBe('finalised');
    const afterFinal = await appraise('SNV', '1.1', { adjustedScore: 1, reason: 'muộn' });
    expect(afterFinal.json.error.code).toBe('ASSESSMENT_FINALISED');
    const list = await api('GET', `/api/rounds/${roundId}/assessments`, { token: focal.STP });
    expect(list.json.units).toEqual([expect.objectContaining({ unitCode: 'STP', status: 'appraised' })]);
  });

  it('composes the index from the appraised self-assessment and the rater survey: exact figures, grade, rank', async () => {
    for (const [unit, options] of Object.entries(RATER_FORMS)) {
      for (const [i, option] of options.entries()) {
        const res = await api('POST', '/api/submissions', {
          token: null,
          body: { token: tokens[unit]![i], answers: answering(option) },
        });
        expect(res.status).toBe(201);
      }
    }
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    const results = await eventually('PAR index', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/results`);
      return r.json?.latest?.runId === run.json.runId ? r.json.latest : undefined;
    });
    const byUnit = Object.fromEntries(results.units.map((u: { unitCode: string }) => [u.unitCode, u]));
    const stp = expected('STP');
    const snv = expected('SNV');
    expect(stp.index).toBeGreaterThan(snv.index);
    for (const [unit, e, rank] of [
      ['STP', stp, 1],
      ['SNV', snv, 2],
    ] as const) {
      expect(byUnit[unit], unit).toMatchObject({
        index: round2(e.index),
        achieved: round2(e.appraisal + e.formula + e.survey),
        applicableMax: MAX.total,
        grade: { code: e.grade },
        rank,
        components: {
          appraisal: { achieved: round2(e.appraisal), applicableMax: MAX.appraisal },
          formula: { achieved: round2(e.formula), applicableMax: MAX.formula },
          survey: { achieved: round2(e.survey), applicableMax: MAX.survey },
        },
      });
    }
    // 85.277… → 85.28 and 40.416… → 40.42: rounded once at output, from the exact total.
    expect(byUnit.STP.index).toBe(85.28);
    expect(byUnit.SNV.index).toBe(40.42);
    const leaf = byUnit.SNV.leaves.find((l: { code: string }) => l.code === '1.2.2');
    expect(leaf).toMatchObject({ selfScore: 4, appraisedScore: 2.75, points: 2.75, source: 'appraised' });
    expect(byUnit.SNV.fields.find((f: { code: string }) => f.code === 'LV1')).toMatchObject({
      achieved: 4 + 1.5 + 2.75,
      applicableMax: 10,
    });
    expect(results.round.par.criteria).toEqual({ id: criteriaId, version });
    // The export shows the same composed figures (one sheet per level).
    const res = await fetch(`${baseUrl()}/api/rounds/${roundId}/results.xlsx`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const sheet = book.getWorksheet('Đơn vị')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const rows = [2, 3].map((n) =>
      Object.fromEntries(header.map((h, i) => [h, sheet.getRow(n).getCell(i + 1).value])),
    );
    const stpRow = rows.find((x) => x['Mã đơn vị'] === 'STP');
    expect(stpRow).toMatchObject({ 'Chỉ số (%)': 85.28, 'Xếp hạng': 1, 'Xếp loại': 'Nhóm B' });
    expect(book.worksheets.map((w) => w.name)).toEqual(['Toàn đợt', 'Đơn vị', 'Tiêu chí']);
  });

  it('audits every change: who, what, the reason', async () => {
    expect((await api('GET', `/api/rounds/${roundId}/assessment-audit`, { token: focal.SNV })).status).toBe(
      403,
    );
    const audit = await api('GET', `/api/rounds/${roundId}/assessment-audit`);
    expect(audit.status).toBe(200);
    const entries = audit.json.entries as Array<{
      action: string;
      by: string;
      target: string;
      reason?: string;
    }>;
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    expect(count('PAR_CRITERIA_ATTACHED')).toBe(1);
    expect(count('SELF_ASSESSMENT_SCORED')).toBe(8);
    expect(count('SELF_ASSESSMENT_SUBMITTED')).toBe(2);
    expect(count('APPRAISAL_SCORED')).toBe(5);
    expect(count('APPRAISAL_PUBLISHED')).toBe(2);
    expect(count('APPRAISAL_RESPONDED')).toBe(1);
    expect(count('ASSESSMENT_FINALISED')).toBe(1);
    expect(entries.find((e) => e.action === 'APPRAISAL_SCORED' && e.target === 'SNV/1.2.2')).toMatchObject({
      by: 'dev',
      reason: 'Thẩm định SNV 1.2.2: thiếu minh chứng',
      details: { selfScore: '4', adjustedScore: '2.75' },
    });
    expect(entries.find((e) => e.action === 'SELF_ASSESSMENT_SUBMITTED' && e.target === 'STP')?.by).toBe(
      'dau-moi-stp',
    );
    // The round's merged trail (every table's AUDIT#<roundId>, readRoundAudit) includes them.
    const merged = await readRoundAudit(TABLE_NAMES, roundId);
    expect(merged.filter((e) => e.service === 'assessment')).toHaveLength(entries.length);
  });

  it('refuses self-assessment after the deadline with its code, and a non-PAR round', async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('PAR quá hạn'),
        year: 2026,
        kind: 'PAR',
        units: [{ code: 'SNV', name: 'Sở Nội vụ' }],
        fields: [{ code: 'lanh-dao', name: 'Lãnh đạo' }],
      },
    });
    const late = created.json.roundId;
    const attach = await api('PUT', `/api/rounds/${late}/par-criteria`, {
      body: {
        id: criteriaId,
        version,
        selfAssessmentDeadline: '2026-01-01T00:00:00+07:00',
        responseWindowHours: 0,
      },
    });
    expect(attach.status).toBe(200);
    const res = await api('PUT', `/api/rounds/${late}/assessments/SNV/self/1.1`, {
      body: { score: 1, evidence: { note: 'muộn' } },
      token: focal.SNV,
    });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('SELF_ASSESSMENT_CLOSED');
    expect(res.json.error.message).toContain('hết hạn');
    const upload = await api('POST', `/api/rounds/${late}/assessments/SNV/evidence-uploads`, {
      body: { filename: 'a.pdf', size: 1 },
      token: focal.SNV,
    });
    expect(upload.json.error.code).toBe('SELF_ASSESSMENT_CLOSED');
    const sipas = await api('POST', '/api/rounds', {
      body: {
        name: 'x',
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'A', name: 'A' }],
        fields: [{ name: 'F' }],
      },
    });
    const notPar = await api('PUT', `/api/rounds/${sipas.json.roundId}/par-criteria`, {
      body: { id: criteriaId, version, selfAssessmentDeadline: '2027-01-01T00:00:00Z' },
    });
    expect(notPar.status).toBe(409);
    expect(notPar.json.error.code).toBe('NOT_PAR_ROUND');
  });
});
