import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  Dec,
  getTemplate,
  gradeOf,
  NATIONAL_PROVINCE_PAR_2022,
  optionWeightedPoints,
  PROVINCE_INTERNAL_PAR_2024,
  parseParIndexConfig,
  parseTemplate,
  rankUnits,
  round2,
  ScoreOutOfRangeError,
  ScoringInputError,
  scorePar,
  scoreParSurvey,
  WORD_GRADES,
} from '../../../shared/domain/index.ts';

describe('PAR Index golden example: Ninh Thuận 2022 (methodology.md §6.4)', () => {
  const published = { index: 85.78, appraised: 54.2, sipas: 8.23, leaders: 18.05, socio: 5.31 };

  it('the published rounded components sum to 85.79, within 0.01 of the published 85.78', () => {
    const r = scorePar({
      config: NATIONAL_PROVINCE_PAR_2022,
      scores: {
        THAM_DINH: published.appraised,
        SIPAS: published.sipas,
        LANH_DAO: published.leaders,
        KTXH: published.socio,
      },
    });
    // 54.2 + 8.23 + 18.05 + 5.31 = 85.79 (exactly, in decimal) of a maximum of 61.5 + 38.5 = 100
    expect(r.achieved.toString()).toBe('85.79');
    expect(r.applicableMax.toString()).toBe('100');
    expect(r.index!.toString()).toBe('85.79');
    // MoHA publishes 85.78 because it sums unrounded components: the difference is one rounding step.
    expect(Math.abs(round2(r.index!) - published.index)).toBeLessThanOrEqual(0.01 + 1e-12);
    expect(r.grade).toEqual({ code: 'B', name: 'Nhóm B' });
    // Appraised 54.2/61.5 = 88.13 %; impact 8.23 + 18.05 + 5.31 = 31.59 of 38.5 = 82.05 %
    const [appraised, impact] = r.components;
    expect(round2(appraised!.index!)).toBe(88.13);
    expect(impact!.achieved!.toString()).toBe('31.59');
    expect(round2(impact!.index!)).toBe(82.05);
  });

  it('with unrounded components the domain rounds once, at output, and can give the published 85.78', () => {
    // Illustrative unrounded values (not published) that display as 54.20, 8.23, 18.05, 5.31:
    // 54.1982 + 8.2271 + 18.0473 + 5.3064 = 85.7790 → 85.78, while rounding each part first gives 85.79.
    const parts = { THAM_DINH: '54.1982', SIPAS: '8.2271', LANH_DAO: '18.0473', KTXH: '5.3064' };
    for (const [code, value] of Object.entries(parts)) {
      expect(round2(value)).toBe({ THAM_DINH: 54.2, SIPAS: 8.23, LANH_DAO: 18.05, KTXH: 5.31 }[code]);
    }
    const r = scorePar({ config: NATIONAL_PROVINCE_PAR_2022, scores: parts });
    expect(r.index!.toString()).toBe('85.779');
    expect(round2(r.index!)).toBe(85.78);
    const roundedFirst = Object.values(parts).reduce((a, v) => a.plus(round2(v)), new Dec(0));
    expect(roundedFirst.toString()).toBe('85.79');
  });
});

describe('PAR option weights (methodology.md §6.5)', () => {
  it('max 2.0, 25 raters (10 A, 8 B, 5 C, 2 D): (10 + 4.8 + 1 + 0)/25 = 0.632 → 1.264 → 1.26 points', () => {
    const r = optionWeightedPoints({ A: 10, B: 8, C: 5, D: 2 }, 2);
    expect(r.raters).toBe(25);
    expect(r.meanWeight!.toString()).toBe('0.632');
    expect(r.points!.toString()).toBe('1.264');
    expect(round2(r.points!)).toBe(1.26);
  });

  it('abstentions (X) leave the denominator; nobody rating gives null; weights are a setting', () => {
    // 3 A + 1 D + 4 X: (3·1 + 1·0)/4 = 0.75 → 1.5 of 2
    expect(optionWeightedPoints({ A: 3, D: 1, X: 4 }, 2).points!.toString()).toBe('1.5');
    expect(optionWeightedPoints({ X: 4 }, 2)).toEqual({ raters: 0, meanWeight: null, points: null });
    // A province using A 100 / B 75 / C 50 / D 25: 2 A + 2 C → (2 + 1)/4 = 0.75 → 0.75 × 3 = 2.25
    expect(
      optionWeightedPoints({ A: 2, C: 2 }, 3, {
        optionWeights: { A: 1, B: 0.75, C: 0.5, D: 0.25 },
      }).points!.toString(),
    ).toBe('2.25');
    expect(() => optionWeightedPoints({ E: 1 }, 2)).toThrow('phương án "E" không có trọng số');
    expect(() => optionWeightedPoints({ A: -1 }, 2)).toThrow(ScoringInputError);
    expect(() => optionWeightedPoints({ A: 1 }, 2, { optionWeights: { A: 1.5 } })).toThrow(ConfigError);
  });

  it('scores the survey component per target from the shipped PAR template', () => {
    const template = getTemplate('par-province-2024-v1');
    const ids = template.sections[0]!.questions.map((q) => q.id);
    const answerAll = (option: string) => Object.fromEntries(ids.map((id) => [id, option]));
    // Department S1: 2 raters, all A and all B → every item mean weight 0.8 → 1.6 of 2; 15 items → 24 of 30 = 80 %
    // Commune C1: 1 rater, all X except lv1_1 = C → one item 0.2 × 2 = 0.4 of 2 → 20 %
    const r = scoreParSurvey({
      template,
      responses: [
        { targetCode: 'S1', answers: answerAll('A') },
        { targetCode: 'C1', answers: { ...answerAll('X'), lv1_1: 'C', lv1_2: 'bogus' } },
        { targetCode: 'S1', answers: answerAll('B') },
      ],
    });
    expect(r.map((t) => t.targetCode)).toEqual(['C1', 'S1']);
    const [c1, s1] = r;
    expect(s1!.responses).toBe(2);
    expect(s1!.points.toString()).toBe('24');
    expect(s1!.applicableMax.toString()).toBe('30');
    expect(s1!.index!.toString()).toBe('80');
    expect(s1!.elements[0]).toMatchObject({ code: 'LV1' });
    expect(s1!.elements[0]!.points!.toString()).toBe('3.2');
    expect(c1!.points.toString()).toBe('0.4');
    expect(c1!.applicableMax.toString()).toBe('2');
    expect(c1!.index!.toString()).toBe('20');
    expect(c1!.elements[1]!.points).toBeNull();
  });

  it('refuses a template option that has no weight and is not an abstention, naming the question', () => {
    const template = getTemplate('par-province-2024-v1');
    expect(() => scoreParSurvey({ template, responses: [], rules: { abstainOptions: [] } })).toThrow(
      'câu hỏi "lv1_1": phương án "X" chưa có trọng số',
    );
    expect(() => scoreParSurvey({ template: getTemplate('sipas-2024-v1'), responses: [] })).toThrow(
      'không có câu hỏi được gán điểm',
    );
    expect(() => parseTemplate(template)).not.toThrow();
  });
});

describe('PAR composition: own hand-computed examples', () => {
  it('internal index with appraised fields and survey: (8 + 6 + 10.5 + 6 + 7.5 + 6 + 9) + 24 = 77 → 77 %, Nhóm C', () => {
    const r = scorePar({
      config: PROVINCE_INTERNAL_PAR_2024,
      scores: { LV1: 8, LV2: 6, LV3: 10.5, LV4: 6, LV5: 7.5, LV6: 6, LV7: 9, DTXHH: 24 },
    });
    // appraised 53 of 70 = 75.714285…%, survey 24 of 30 = 80 %, total 77 of 100
    expect(r.components[0]!.achieved!.toString()).toBe('53');
    expect(round2(r.components[0]!.index!)).toBe(75.71);
    expect(r.index!.toString()).toBe('77');
    expect(r.grade).toEqual({ code: 'C', name: 'Nhóm C' });
  });

  it('without a survey (null = not applicable) the appraised score is rescaled to 100: 53/70 × 100 = 75.714… → 75.71', () => {
    const r = scorePar({
      config: PROVINCE_INTERNAL_PAR_2024,
      scores: { LV1: 8, LV2: 6, LV3: 10.5, LV4: 6, LV5: 7.5, LV6: 6, LV7: 9, DTXHH: null },
    });
    expect(r.applicableMax.toString()).toBe('70');
    expect(round2(r.index!)).toBe(75.71);
    expect(r.components[1]!.achieved).toBeNull();
    // a non-applicable sub-criterion reduces the maximum of its parent: LV7 null → 44 of 58 appraised
    const r2 = scorePar({
      config: PROVINCE_INTERNAL_PAR_2024,
      scores: { LV1: 8, LV2: 6, LV3: 10.5, LV4: 6, LV5: 7.5, LV6: 6, LV7: null, DTXHH: 24 },
    });
    expect(r2.components[0]!.applicableMax.toString()).toBe('58');
    // (44 + 24) / (58 + 30) = 68/88 = 77.2727… → 77.27
    expect(round2(r2.index!)).toBe(77.27);
  });

  it('a subtree can be scored by its total; everything not applicable gives a null index', () => {
    const r = scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: { THAM_DINH: '63', DTXHH: '27.5' } });
    // 63 + 27.5 = 90.5 → Nhóm A
    expect(r.index!.toString()).toBe('90.5');
    expect(r.grade!.code).toBe('A');
    const none = scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: { THAM_DINH: null, DTXHH: null } });
    expect(none.index).toBeNull();
    expect(none.grade).toBeNull();
  });

  it('refuses a component above its maximum (SCORE_OUT_OF_RANGE), negative, missing, unknown or ambiguous scores', () => {
    const base = { LV1: 8, LV2: 6, LV3: 10.5, LV4: 6, LV5: 7.5, LV6: 6, LV7: 9, DTXHH: 24 };
    const over = () => scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: { ...base, LV3: 14.01 } });
    expect(over).toThrow(ScoreOutOfRangeError);
    expect(over).toThrow('thành phần "LV3": điểm 14,01 nằm ngoài khoảng 0–14');
    try {
      over();
    } catch (e) {
      expect((e as ScoreOutOfRangeError).code).toBe('SCORE_OUT_OF_RANGE');
      expect((e as ScoreOutOfRangeError).componentCode).toBe('LV3');
    }
    expect(() => scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: { ...base, LV1: -1 } })).toThrow(
      ScoreOutOfRangeError,
    );
    const { LV2: _, ...missing } = base;
    expect(() => scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: missing })).toThrow(
      'thành phần "LV2" chưa có điểm',
    );
    expect(
      scorePar({
        config: PROVINCE_INTERNAL_PAR_2024,
        scores: missing,
        rules: { missingScore: 'zero' },
      }).achieved.toString(),
    ).toBe('71');
    expect(() => scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: { ...base, LV9: 1 } })).toThrow(
      'thành phần "LV9" không có',
    );
    expect(() =>
      scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: { ...base, THAM_DINH: 50 } }),
    ).toThrow('thành phần "THAM_DINH" được chấm cả tổng lẫn thành phần con "LV1"');
    expect(() => scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: { ...base, LV1: 'abc' } })).toThrow(
      'thành phần "LV1": điểm "abc" không phải là số',
    );
    expect(() =>
      scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores: { ...base, LV1: Number.POSITIVE_INFINITY } }),
    ).toThrow('không phải là số');
  });

  it('refuses a composition whose parts do not add up to the declared maximum, naming the component', () => {
    const bad = structuredClone(PROVINCE_INTERNAL_PAR_2024);
    bad.components[0]!.children![2]!.maxPoints = 13.5;
    expect(() => parseParIndexConfig(bad)).toThrow(
      'thành phần "THAM_DINH": tổng điểm tối đa của các thành phần con (69,5) khác điểm tối đa khai báo (70)',
    );
    const total = { ...structuredClone(NATIONAL_PROVINCE_PAR_2022), declaredMaxPoints: 101 };
    expect(() => parseParIndexConfig(total)).toThrow(
      'tổng điểm tối đa các thành phần (100) khác tổng khai báo (101)',
    );
    const dup = structuredClone(NATIONAL_PROVINCE_PAR_2022);
    dup.components[1]!.children![0]!.code = 'THAM_DINH';
    expect(() => parseParIndexConfig(dup)).toThrow('thành phần "THAM_DINH": mã bị trùng');
    expect(() => parseParIndexConfig({ id: 'x' })).toThrow(ConfigError);
  });
});

describe('grades (bands)', () => {
  it('A ≥ 90, B 80–<90, C 70–<80, below 70 configurable; compared on the published value by default', () => {
    expect(gradeOf(90).code).toBe('A');
    expect(gradeOf('89.99').code).toBe('B');
    expect(gradeOf(80).code).toBe('B');
    expect(gradeOf('79.999').code).toBe('B'); // published as 80.00
    expect(gradeOf('79.994').code).toBe('C');
    expect(gradeOf(70).code).toBe('C');
    expect(gradeOf('69.99')).toEqual({ code: 'D', name: 'Dưới 70 %' });
    expect(gradeOf('89.996', { ...WORD_GRADES, compareOn: 'exact' }).name).toBe('Khá');
    expect(gradeOf('89.996', WORD_GRADES).name).toBe('Tốt');
    expect(gradeOf(50, { ...WORD_GRADES, below: { code: 'KEM', name: 'Kém' } }).name).toBe('Kém');
  });

  it('refuses bands that are not strictly descending or reuse a code', () => {
    expect(() =>
      gradeOf(50, {
        compareOn: 'exact',
        bands: [
          { code: 'A', name: 'A', min: 80 },
          { code: 'A', name: 'B', min: 90 },
        ],
        below: { code: 'A', name: 'C' },
      }),
    ).toThrow(/mã xếp loại "A" bị trùng.*ngưỡng của "A" \(90\) phải nhỏ hơn/);
  });
});

describe('rankUnits: deterministic ties', () => {
  it('competition ranking on published values, listed by code; not-scored units last', () => {
    const r = rankUnits([
      { unitCode: 'SYT', index: '85.781' },
      { unitCode: 'SCT', index: '85.776' }, // both publish as 85.78 → shared rank 2
      { unitCode: 'STP', index: '91.2' },
      { unitCode: 'SXD', index: '70' },
      { unitCode: 'SNV', index: null },
    ]);
    expect(r.map((u) => [u.unitCode, u.rank, u.tied])).toEqual([
      ['STP', 1, false],
      ['SCT', 2, true],
      ['SYT', 2, true],
      ['SXD', 4, false],
      ['SNV', null, false],
    ]);
  });

  it('dense ranks, exact comparison and tie-breakers are settings', () => {
    const entries = [
      { unitCode: 'B', index: 80, tieBreakers: [50] },
      { unitCode: 'A', index: 80, tieBreakers: [40] },
      { unitCode: 'C', index: 70 },
    ];
    expect(rankUnits(entries).map((u) => [u.unitCode, u.rank])).toEqual([
      ['B', 1],
      ['A', 2],
      ['C', 3],
    ]);
    const noBreak = entries.map(({ tieBreakers: _, ...e }) => e);
    expect(rankUnits(noBreak, { tieRanks: 'dense' }).map((u) => [u.unitCode, u.rank])).toEqual([
      ['A', 1],
      ['B', 1],
      ['C', 2],
    ]);
    expect(
      rankUnits(
        [
          { unitCode: 'X', index: '85.781' },
          { unitCode: 'Y', index: '85.776' },
        ],
        { compareOn: 'exact' },
      ).map((u) => u.rank),
    ).toEqual([1, 2]);
    // a unit with fewer tie-breakers ranks after one with more (missing counts as lowest)
    expect(
      rankUnits([
        { unitCode: 'P', index: 80 },
        { unitCode: 'Q', index: 80, tieBreakers: [0] },
      ]).map((u) => u.unitCode),
    ).toEqual(['Q', 'P']);
  });

  it('reports the change against the previous year and refuses duplicate units', () => {
    const r = rankUnits(
      [
        { unitCode: 'A', index: '88.37' },
        { unitCode: 'B', index: '96.17' },
      ],
      {},
      [
        { unitCode: 'A', index: '86.98', rank: 1 },
        { unitCode: 'B', index: '84.79', rank: 2 },
      ],
    );
    expect(r.map((u) => [u.unitCode, u.rank, u.rankChange, u.indexChange!.toString()])).toEqual([
      ['B', 1, 1, '11.38'],
      ['A', 2, -1, '1.39'],
    ]);
    expect(() =>
      rankUnits([
        { unitCode: 'A', index: 1 },
        { unitCode: 'A', index: 2 },
      ]),
    ).toThrow('đơn vị "A" xuất hiện hai lần');
  });
});
