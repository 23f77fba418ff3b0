/**
 * Issue 9 item 7 on the local runtime: a PAR round with a small rater roster (column "Nhóm đối
 * tượng", own unit in "Mã đơn vị") and rater matrix → one form per rater with exactly the targets the
 * matrix gives, never the rater's own unit, counts per target; identical requests make one set.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from './support/api.ts';
import {
  createRaterRound,
  type RaterFormView as FormView,
  importRaterRoster,
  RATER_MATRIX,
  raterRoster,
} from './support/rater-forms.ts';

// The second LD_SO rater's group in lower case: group codes are matched whatever their case.
const ROSTER = raterRoster('ld_so');

const createRound = (kind: 'PAR' | 'SIPAS', withMatrix: boolean) =>
  createRaterRound('Chỉ số CCHC người đánh giá', {
    kind,
    ...(withMatrix ? { raterMatrix: RATER_MATRIX } : {}),
  });

const upload = async (roundId: string, roster: string) => {
  const report = await importRaterRoster(roundId, roster);
  expect(report.rejected).toBe(0);
};

describe('PAR rater forms', () => {
  let roundId = '';

  beforeAll(async () => {
    roundId = await createRound('PAR', true);
    await upload(roundId, ROSTER);
  });

  it('one form per rater with exactly its targets, own unit excluded, counts per target', async () => {
    const res = await api('POST', `/api/rounds/${roundId}/rater-forms`);
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      roundId,
      matrixId: 'test-matrix',
      raters: 5,
      forms: 5,
      ratings: 3 + 3 + 4 + 4 + 3,
      ratersWithoutTargets: 0,
      duplicateRequest: false,
      countsByTarget: { SNV: 4, STP: 4, SYT: 5, H1: 4 },
      countsByGroup: { LD_SO: 6, DB_HDND: 8, LD_HUYEN: 3 },
    });
    expect(Object.keys(res.json.countsByTarget).sort()).toEqual(['H1', 'SNV', 'STP', 'SYT']);

    const list = await api('GET', `/api/rounds/${roundId}/rater-forms/${res.json.formsId}/forms`);
    expect(list.status).toBe(200);
    const forms = list.json.forms as FormView[];
    expect(forms).toHaveLength(5);
    const byRater = forms.map((f) => `${f.groupCode}@${f.unitCode}: ${f.targets.join(',')}`).sort();
    expect(byRater).toEqual([
      'DB_HDND@HDND: H1,SNV,STP,SYT',
      'DB_HDND@HDND: H1,SNV,STP,SYT',
      'LD_HUYEN@H1: SNV,STP,SYT',
      'LD_SO@SNV: H1,STP,SYT',
      'LD_SO@STP: H1,SNV,SYT',
    ]);
    for (const f of forms) expect(f.targets).not.toContain(f.unitCode);
    // Counts per target agree with the forms themselves.
    const counted: Record<string, number> = {};
    for (const f of forms) for (const t of f.targets) counted[t] = (counted[t] ?? 0) + 1;
    expect(counted).toEqual(res.json.countsByTarget);
    // Each form its own token and paper code; no personal data in the listing.
    expect(new Set(forms.map((f) => f.raterKey)).size).toBe(5);
    expect(new Set(forms.map((f) => f.paperCode)).size).toBe(5);
    expect(new Set(forms.map((f) => f.link)).size).toBe(5);
    for (const f of forms)
      expect(f.paperCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$/);
    expect(list.text).not.toMatch(/Lãnh đạo Một|0914000001|R-1/);

    const again = await api('POST', `/api/rounds/${roundId}/rater-forms`);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ formsId: res.json.formsId, duplicateRequest: true, forms: 5 });
    const manifest = await api('GET', `/api/rounds/${roundId}/rater-forms/${res.json.formsId}`);
    expect(manifest.json.countsByTarget).toEqual(res.json.countsByTarget);
    const relisted = await api('GET', `/api/rounds/${roundId}/rater-forms/${res.json.formsId}/forms`);
    expect(relisted.json.forms).toEqual(forms);
  });

  it('refuses a round without a rater matrix, a roster without groups and a group not in the matrix', async () => {
    const sipas = await createRound('SIPAS', false);
    await upload(sipas, ROSTER);
    const noMatrix = await api('POST', `/api/rounds/${sipas}/rater-forms`);
    expect(noMatrix.status).toBe(400);
    expect(noMatrix.json.error.code).toBe('NO_RATER_MATRIX');

    const ungrouped = await createRound('PAR', true);
    await upload(ungrouped, ROSTER.replace(/;Nhóm đối tượng|;[A-Za-z_]+$/gm, ''));
    const noRaters = await api('POST', `/api/rounds/${ungrouped}/rater-forms`);
    expect(noRaters.status).toBe(400);
    expect(noRaters.json.error.code).toBe('NO_RATERS');
    expect(noRaters.json.error.message).toContain('Nhóm đối tượng');

    const par = await createRound('PAR', true);
    await upload(par, `${ROSTER}\r\nBáo chí;0914000006;R-6;Đánh giá;HDND;01/10/2026;BAO_CHI`);
    const unknown = await api('POST', `/api/rounds/${par}/rater-forms`);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe('UNKNOWN_RATER_GROUP');
    expect(unknown.json.error.message).toContain('BAO_CHI');
  });
});
