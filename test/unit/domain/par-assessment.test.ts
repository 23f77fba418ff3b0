import { describe, expect, it } from 'vitest';
import {
  type AppraisalEntry,
  ConfigError,
  checkAppraisal,
  checkSelfAssessment,
  criteriaLeaves,
  Dec,
  EvidenceRequiredError,
  getTemplate,
  type ParCriteriaConfig,
  type ParSurveyTargetResult,
  PROVINCE_INTERNAL_CRITERIA_2024,
  PROVINCE_INTERNAL_PAR_2024,
  parseParCriteriaConfig,
  rankParUnits,
  round2,
  ScoreOutOfRangeError,
  ScoringInputError,
  type SelfAssessmentEntry,
  scoreParSurvey,
  scoreParUnit,
  sipasToPoints,
  WORD_GRADES,
} from '../../../shared/domain/index.ts';

const leaf = (code: string, maxPoints: number, method: 'appraisal' | 'survey' | 'formula' = 'appraisal') => ({
  code,
  title: `Tiêu chí ${code}`,
  maxPoints,
  method,
  evidenceRequired: method === 'appraisal',
  applicable: true,
});

/** 20 points: appraised field A (10), formula field B (5), survey field S (5). */
function smallConfig(overrides: { bApplicable?: boolean } = {}): ParCriteriaConfig {
  return parseParCriteriaConfig({
    id: 'par-test',
    version: 3,
    year: 2025,
    level: 'department',
    title: 'Bộ tiêu chí thử',
    declaredMaxPoints: 20,
    fields: [
      {
        ...leaf('A', 10),
        children: [{ ...leaf('A.1', 4), children: [leaf('A.1.1', 1.5), leaf('A.1.2', 2.5)] }, leaf('A.2', 6)],
      },
      {
        ...leaf('B', 5, 'formula'),
        children: [{ ...leaf('B.1', 5, 'formula'), applicable: overrides.bApplicable ?? true }],
      },
      { ...leaf('S', 5, 'survey'), children: [leaf('S.1', 5, 'survey')] },
    ],
  });
}

const at = (minute: number) => `2025-11-20T08:${String(minute).padStart(2, '0')}:00+07:00`;
const self = (criterionCode: string, score: number | string, minute = 0): SelfAssessmentEntry => ({
  unitCode: 'SO_TP',
  criterionCode,
  score,
  evidence: { note: 'Kế hoạch số 12/KH', links: [], fileKeys: [`evidence/SO_TP/${criterionCode}.pdf`] },
  by: 'focal-1',
  at: at(minute),
});
const appraisal = (criterionCode: string, adjustedScore: number | string, minute = 30): AppraisalEntry => ({
  unitCode: 'SO_TP',
  criterionCode,
  adjustedScore,
  reason: 'Kế hoạch ban hành chậm so với yêu cầu',
  by: 'snv-1',
  at: at(minute),
});
/** A rater-survey result of 21.3 of 30 points (only the totals matter to a whole-survey leaf). */
const survey: ParSurveyTargetResult = {
  targetCode: 'SO_TP',
  responses: 25,
  items: [],
  elements: [],
  points: new Dec('21.3'),
  applicableMax: new Dec(30),
  index: new Dec(71),
};

describe('PAR unit composition (hand-computed)', () => {
  const config = smallConfig();
  const entries = {
    selfAssessments: [self('A.1.1', 1.5), self('A.1.2', 2), self('A.2', 5), self('A.2', '4.5', 10)],
    appraisals: [appraisal('A.1.2', '1.25')],
  };

  it('appraised score wins over self, latest self counts, survey scaled to the leaf maximum', () => {
    const r = scoreParUnit({
      config,
      unitCode: 'SO_TP',
      ...entries,
      survey,
      formulaScores: { 'B.1': '3.75' },
    });
    // 1.5 + 1.25 + 4.5 + 3.75 + 21.3/30·5 (= 3.55) = 14.55 of 20 → 72.75
    expect(r.result.achieved.toString()).toBe('14.55');
    expect(r.result.applicableMax.toString()).toBe('20');
    expect(r.result.index!.toString()).toBe('72.75');
    const by = Object.fromEntries(r.leaves.map((l) => [l.code, l]));
    expect(by['A.1.2']!.source).toBe('appraised');
    expect(by['A.1.2']!.selfScore!.toString()).toBe('2');
    expect(by['A.1.2']!.points!.toString()).toBe('1.25');
    expect(by['A.1.2']!.appraisal!.reason).toContain('chậm');
    expect(by['A.2']!.source).toBe('self');
    expect(by['A.2']!.points!.toString()).toBe('4.5');
    expect(by['S.1']!.points!.toString()).toBe('3.55');
    expect(r.byMethod.appraisal.achieved.toString()).toBe('7.25');
    expect(r.byMethod.appraisal.index!.toString()).toBe('72.5');
    expect(r.byMethod.formula.achieved.toString()).toBe('3.75');
    expect(r.byMethod.survey.achieved.toString()).toBe('3.55');
    const fieldA = r.result.components.find((c) => c.code === 'A')!;
    expect(fieldA.achieved!.toString()).toBe('7.25');
    expect(fieldA.children[0]!.achieved!.toString()).toBe('2.75');
    expect(r.configVersion).toBe(3);
    expect(r.result.grade).toEqual({ code: 'C', name: 'Nhóm C' });
  });

  it('a criterion not applicable to the unit leaves the denominator: 10.05 / 14 → 71.7857…', () => {
    const r = scoreParUnit({
      config,
      unitCode: 'SO_TP',
      ...entries,
      survey,
      formulaScores: { 'B.1': '3.75' },
      notApplicable: ['A.2'],
    });
    expect(r.result.achieved.toString()).toBe('10.05');
    expect(r.result.applicableMax.toString()).toBe('14');
    expect(r.result.index!.toFixed(10)).toBe('71.7857142857');
    expect(round2(r.result.index!)).toBe(71.79);
    expect(r.leaves.find((l) => l.code === 'A.2')!.source).toBe('not-applicable');
    expect(r.byMethod.appraisal.applicableMax.toString()).toBe('4');
  });

  it('a field listed as not applicable takes all its criteria out; a config-level flag does the same', () => {
    const noField = scoreParUnit({ config, unitCode: 'SO_TP', ...entries, survey, notApplicable: ['B'] });
    // 1.5 + 1.25 + 4.5 + 3.55 = 10.8 of 15 → 72
    expect(noField.result.index!.toString()).toBe('72');
    const flagged = scoreParUnit({
      config: smallConfig({ bApplicable: false }),
      unitCode: 'SO_TP',
      ...entries,
      survey,
    });
    expect(flagged.result.index!.toString()).toBe('72');
    expect(flagged.result.applicableMax.toString()).toBe('15');
  });

  it('a missing score is refused by default and counts 0 under missingScore = zero', () => {
    const input = { config, unitCode: 'SO_TP', ...entries, survey };
    expect(() => scoreParUnit(input)).toThrow(ScoringInputError);
    const r = scoreParUnit({ ...input, rules: { missingScore: 'zero' } });
    expect(r.leaves.find((l) => l.code === 'B.1')!.source).toBe('missing');
    expect(r.result.achieved.toString()).toBe('10.8');
    expect(r.result.applicableMax.toString()).toBe('20');
    expect(r.result.index!.toString()).toBe('54');
  });

  it('SCORE_OUT_OF_RANGE for a score above its maximum or below 0, wherever it comes from', () => {
    const base = { config, unitCode: 'SO_TP', survey, formulaScores: { 'B.1': 1 } };
    const cases = [
      () => scoreParUnit({ ...base, selfAssessments: [self('A.1.1', '1.51')] }),
      () => scoreParUnit({ ...base, appraisals: [appraisal('A.2', -0.5)] }),
      () => scoreParUnit({ ...base, formulaScores: { 'B.1': 5.01 } }),
      () => scoreParUnit({ ...base, surveyScores: { 'S.1': 6 } }),
      () => checkSelfAssessment(config, self('A.1.2', 3)),
      () => checkAppraisal(config, appraisal('A.1.2', -1)),
    ];
    for (const run of cases) {
      try {
        run();
        expect.unreachable('expected SCORE_OUT_OF_RANGE');
      } catch (e) {
        expect(e).toBeInstanceOf(ScoreOutOfRangeError);
        expect((e as ScoreOutOfRangeError).code).toBe('SCORE_OUT_OF_RANGE');
      }
    }
    expect(() => checkSelfAssessment(config, self('A.1.1', '1.5'))).not.toThrow();
  });

  it('entry checks: a scorable leaf, a number, evidence where required, entries of the unit only', () => {
    expect(() => checkSelfAssessment(config, self('A.1', 1))).toThrow(/không phải tiêu chí chấm điểm/);
    expect(() => checkSelfAssessment(config, self('B.1', 1))).toThrow(/không chấm bằng tự đánh giá/);
    expect(() => checkSelfAssessment(config, { ...self('A.2', 1), score: 'abc' })).toThrow();
    const bare = { ...self('A.2', 1), evidence: { note: '  ', links: [], fileKeys: [] } };
    expect(() => checkSelfAssessment(config, bare)).toThrow(EvidenceRequiredError);
    const linked = { ...bare, evidence: { links: ['https://sotp.example.gov.vn/kh-12.pdf'] } };
    expect(checkSelfAssessment(config, linked).evidence.fileKeys).toEqual([]);
    expect(() => checkAppraisal(config, { ...appraisal('A.2', 1), reason: '' })).toThrow();
    expect(() =>
      scoreParUnit({
        config,
        unitCode: 'OTHER',
        selfAssessments: [self('A.2', 1)],
        rules: { missingScore: 'zero' },
      }),
    ).toThrow(/không thuộc đơn vị "OTHER"/);
  });

  it('ranking: point order, ties on the published value broken by the appraised points', () => {
    const unit = (unitCode: string, a11: number, b1: string) =>
      scoreParUnit({
        config,
        unitCode,
        selfAssessments: [
          { ...self('A.1.1', a11), unitCode },
          { ...self('A.1.2', 2), unitCode },
          { ...self('A.2', 5), unitCode },
        ],
        survey,
        formulaScores: { 'B.1': b1 },
      });
    // X: 1.5 + 2 + 5 + 3 + 3.55 = 15.05; Y: 1 + 2 + 5 + 3.5 + 3.55 = 15.05 (same total, less appraised)
    const ranked = rankParUnits([unit('Y', 1, '3.5'), unit('X', 1.5, '3'), unit('Z', 0, '1')]);
    expect(ranked.map((r) => [r.unitCode, r.rank])).toEqual([
      ['X', 1],
      ['Y', 2],
      ['Z', 3],
    ]);
  });
});

describe('Ninh Thuận 2022 golden through the criteria tree (methodology.md §6.4)', () => {
  const config = parseParCriteriaConfig({
    id: 'par-national-province-criteria-2022',
    version: 1,
    year: 2022,
    level: 'province',
    title: 'Chỉ số CCHC cấp tỉnh 2022',
    methodRef: 'QĐ 876/QĐ-BNV ngày 10/11/2022',
    declaredMaxPoints: 100,
    fields: [
      leaf('THAM_DINH', 61.5),
      {
        ...leaf('TAC_DONG', 38.5, 'survey'),
        children: [
          leaf('SIPAS', 10, 'formula'),
          leaf('LANH_DAO', 22, 'survey'),
          leaf('KTXH', 6.5, 'formula'),
        ],
      },
    ],
  });

  it('54.2 + 8.23 + 18.05 + 5.31 = 85.79, within ±0.01 of the published 85.78', () => {
    const r = scoreParUnit({
      config,
      unitCode: 'NINH_THUAN',
      selfAssessments: [{ ...self('THAM_DINH', 57), unitCode: 'NINH_THUAN' }],
      appraisals: [{ ...appraisal('THAM_DINH', '54.2'), unitCode: 'NINH_THUAN' }],
      surveyScores: { LANH_DAO: '18.05' },
      formulaScores: { SIPAS: sipasToPoints(new Dec('82.3'), 10), KTXH: '5.31' },
    });
    expect(r.result.achieved.toString()).toBe('85.79');
    expect(Math.abs(round2(r.result.index!) - 85.78)).toBeLessThanOrEqual(0.01 + 1e-12);
    expect(round2(r.byMethod.appraisal.index!)).toBe(88.13);
    const impact = r.result.components.find((c) => c.code === 'TAC_DONG')!;
    expect(impact.achieved!.toString()).toBe('31.59');
    expect(round2(impact.index!)).toBe(82.05);
    expect(r.result.grade).toEqual({ code: 'B', name: 'Nhóm B' });
  });
});

describe('default provincial internal criteria tree (2024)', () => {
  const config = PROVINCE_INTERNAL_CRITERIA_2024;

  it('reuses the fields and maxima of PROVINCE_INTERNAL_PAR_2024 and adds up to 100', () => {
    const appraised = PROVINCE_INTERNAL_PAR_2024.components.find((c) => c.code === 'THAM_DINH')!.children!;
    expect(config.fields.slice(0, 7).map((f) => [f.code, f.maxPoints])).toEqual(
      appraised.map((f) => [f.code, f.maxPoints]),
    );
    expect(config.fields[7]).toMatchObject({ code: 'DTXHH', maxPoints: 30, method: 'survey' });
    const leaves = criteriaLeaves(config);
    const total = leaves.reduce((s, l) => s.plus(l.maxPoints), new Dec(0));
    expect(total.toString()).toBe('100');
    expect(new Set(leaves.map((l) => l.code)).size).toBe(leaves.length);
    expect(leaves.filter((l) => l.method === 'formula').map((l) => l.code)).toEqual([
      '3.2.1',
      '7.2.1',
      '7.2.2',
    ]);
  });

  it('survey leaves take the rater survey per element (option weights of par-survey)', () => {
    const template = getTemplate('par-province-2024-v1');
    const lv1 = template.sections
      .flatMap((s) => s.questions)
      .filter((q) => q.elementCode === 'LV1')
      .map((q) => q.id);
    // 25 raters on LV1's two items: 10 A, 8 B, 5 C, 2 D → 1.264 points each (methodology §6.5); others abstain.
    const options = [
      ...Array(10).fill('A'),
      ...Array(8).fill('B'),
      ...Array(5).fill('C'),
      ...Array(2).fill('D'),
    ];
    const responses = options.map((o) => ({
      targetCode: 'SO_TP',
      answers: Object.fromEntries(lv1.map((id) => [id, o])),
    }));
    const [target] = scoreParSurvey({ template, responses });
    const r = scoreParUnit({
      config,
      unitCode: 'SO_TP',
      survey: target,
      rules: { missingScore: 'zero', grades: WORD_GRADES },
    });
    const dt1 = r.leaves.find((l) => l.code === 'DT.LV1')!;
    expect(dt1.points!.toString()).toBe('2.528');
    expect(r.leaves.find((l) => l.code === 'DT.LV2')!.source).toBe('not-applicable');
    const field = r.result.components.find((c) => c.code === 'DTXHH')!;
    expect(field.applicableMax.toString()).toBe('4');
    expect(field.index!.toString()).toBe('63.2');
    expect(r.byMethod.survey.achieved.toString()).toBe('2.528');
  });

  it('refuses a tree whose parts do not add up, duplicates, depth > 3 and misplaced survey elements', () => {
    const bad =
      (fields: unknown[], declaredMaxPoints = 10) =>
      () =>
        parseParCriteriaConfig({
          id: 'x',
          version: 1,
          year: 2025,
          level: 'department',
          title: 'x',
          declaredMaxPoints,
          fields,
        });
    const codes = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).issues.map((i) => i.code);
      }
      return [];
    };
    expect(codes(bad([{ ...leaf('A', 10), children: [leaf('A.1', 4), leaf('A.2', 5)] }]))).toContain(
      'WEIGHTS_MISMATCH',
    );
    expect(codes(bad([leaf('A', 5), leaf('A', 5)]))).toContain('DUPLICATE_CODE');
    expect(codes(bad([leaf('A', 9)]))).toContain('WEIGHTS_MISMATCH');
    const deep = {
      ...leaf('A', 10),
      children: [{ ...leaf('B', 10), children: [{ ...leaf('C', 10), children: [leaf('D', 10)] }] }],
    };
    expect(codes(bad([deep]))).toContain('TOO_DEEP');
    expect(codes(bad([{ ...leaf('A', 10), surveyElements: ['LV1'] }]))).toContain(
      'UNEXPECTED_SURVEY_ELEMENTS',
    );
    expect(codes(bad([{ ...leaf('A', 10), method: 'vote' }]))).toContain('SCHEMA');
  });
});
