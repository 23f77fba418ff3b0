import { describe, expect, it } from 'vitest';
import {
  aggregateSipas,
  ConfigError,
  Dec,
  getTemplate,
  isValidSipasForm,
  parseTemplate,
  type QuestionnaireTemplate,
  round2,
  ScoringInputError,
  scoreSipas,
  sipasToPoints,
} from '../../../shared/domain/index.ts';
import { formsFromCounts, miniTemplate } from './support/sipas-forms.ts';

/** Template of methodology §6.2 example 1: S1 with three items, S2 with the two items of the example. */
function example1Template(): QuestionnaireTemplate {
  const base = miniTemplate();
  const item = (id: string, elementCode: string) => ({
    id,
    type: 'scale' as const,
    text: id,
    required: false,
    elementCode,
    provenance: 'adapted' as const,
  });
  return parseTemplate({
    ...base,
    id: 'example-6-2',
    aspects: [{ code: 'DV', name: 'Dịch vụ' }],
    elements: [
      { code: 'S1', name: 'Tiếp cận dịch vụ', aspectCode: 'DV' },
      { code: 'S2', name: 'Thủ tục hành chính', aspectCode: 'DV' },
    ],
    sections: [
      {
        id: 'hai_long',
        title: 'Hài lòng',
        questions: [
          item('s1_1', 'S1'),
          item('s1_2', 'S1'),
          item('s1_3', 'S1'),
          item('s2_1', 'S2'),
          item('s2_2', 'S2'),
        ],
      },
    ],
  });
}

const EXAMPLE_1_COUNTS = {
  s1_1: [1, 2, 5, 20, 12],
  s1_2: [0, 3, 6, 18, 13],
  s1_3: [2, 2, 4, 17, 15],
  s2_1: [1, 1, 3, 21, 14],
  s2_2: [0, 2, 4, 20, 12], // 38 answers: 2 blanks
} as const satisfies Record<string, [number, number, number, number, number]>;

describe('SIPAS golden examples (methodology.md §6.2)', () => {
  const result = scoreSipas({
    template: example1Template(),
    forms: formsFromCounts(40, { ...EXAMPLE_1_COUNTS }),
  });
  const item = (id: string) => result.round.items.find((i) => i.questionId === id)!;
  const element = (code: string) => result.round.elements.find((e) => e.code === code)!.index!;

  it('example 1: item indexes = (n4 + n5) / valid answers × 100', () => {
    // S1.1 [1,2,5,20,12] → (20 + 12)/40 = 80.00
    expect(item('s1_1')).toMatchObject({ valid: 40, satisfied: 32, levelCounts: [1, 2, 5, 20, 12] });
    expect(item('s1_1').index!.toNumber()).toBe(80);
    // S1.2 [0,3,6,18,13] → 31/40 = 77.50; S1.3 [2,2,4,17,15] → 32/40 = 80.00
    expect(item('s1_2').index!.toNumber()).toBe(77.5);
    expect(item('s1_3').index!.toNumber()).toBe(80);
    // S2.1 [1,1,3,21,14] → 35/40 = 87.50; S2.2 with 2 blanks [0,2,4,20,12] → 32/38 = 84.2105…
    expect(item('s2_1').index!.toNumber()).toBe(87.5);
    expect(item('s2_2')).toMatchObject({ valid: 38, satisfied: 32 });
    expect(item('s2_2').index!.toNumber()).toBeCloseTo(3200 / 38, 9);
  });

  it('example 1: S1 = (80 + 77.5 + 80)/3 = 79.1666… → 79.17; S2 = (87.5 + 84.2105…)/2 = 85.8552… → 85.86', () => {
    expect(Math.abs(element('S1').toNumber() - 237.5 / 3)).toBeLessThan(1e-9);
    expect(round2(element('S1'))).toBe(79.17);
    expect(Math.abs(element('S2').toNumber() - (87.5 + 3200 / 38) / 2)).toBeLessThan(1e-9);
    expect(round2(element('S2'))).toBe(85.86);
    expect(result.round.counts).toEqual({ issued: null, returned: 40, valid: 40, invalid: 0 });
  });

  it('example 2: service 81.50, policy 80.68 (80.675, half-up), SIPAS 81.09', () => {
    const template = getTemplate('sipas-2024-v1');
    const s1 = element('S1');
    const s2 = element('S2');
    const { aspects, overall } = aggregateSipas({
      template,
      elements: {
        P1: new Dec('78.40'),
        P2: new Dec('81.25'),
        P3: new Dec('83.10'),
        P4: new Dec('79.95'),
        S1: s1,
        S2: s2,
        S3: new Dec(90),
        S4: new Dec('82.5'),
        S5: new Dec(70),
      },
    });
    const service = aspects.find((a) => a.code === 'DV')!.index!;
    const policy = aspects.find((a) => a.code === 'CS')!.index!;
    // service = (79.1667 + 85.8553 + 90 + 82.5 + 70)/5 = 81.504386 → 81.50
    const expectedService = (237.5 / 3 + (87.5 + 3200 / 38) / 2 + 90 + 82.5 + 70) / 5;
    expect(Math.abs(service.toNumber() - expectedService)).toBeLessThan(1e-9);
    expect(Math.abs(service.toNumber() - 81.504386)).toBeLessThan(1e-6);
    expect(round2(service)).toBe(81.5);
    // policy = (78.40 + 81.25 + 83.10 + 79.95)/4 = 322.70/4 = 80.675 exactly → half-up 80.68
    expect(policy.toString()).toBe('80.675');
    expect(round2(policy)).toBe(80.68);
    // SIPAS = (80.675 + 81.504386)/2 = 81.089693 → 81.09
    expect(Math.abs(overall!.toNumber() - (80.675 + expectedService) / 2)).toBeLessThan(1e-9);
    expect(round2(overall!)).toBe(81.09);
  });
});

describe('SIPAS own hand-computed examples', () => {
  it('mean-normalised: S1.1 [1,2,5,20,12] → mean 160/40 = 4 → (4−1)/4×100 = 75; S1.2 → 161/40 = 4.025 → 75.625', () => {
    // 1·1 + 2·2 + 5·3 + 20·4 + 12·5 = 1 + 4 + 15 + 80 + 60 = 160
    // 0·1 + 3·2 + 6·3 + 18·4 + 13·5 = 0 + 6 + 18 + 72 + 65 = 161
    const r = scoreSipas({
      template: example1Template(),
      forms: formsFromCounts(40, { ...EXAMPLE_1_COUNTS }),
      rules: { indexMethod: 'mean-normalised' },
    });
    expect(r.round.items[0]!.index!.toNumber()).toBe(75);
    expect(r.round.items[1]!.index!.toNumber()).toBe(75.625);
  });

  it('validity threshold: 3 of 5 items answered (60 %) is valid, 2 of 5 (40 %) is not; paper codes 0/6/9 and "4" are not answers', () => {
    const t = miniTemplate();
    expect(isValidSipasForm(t, { p1_1: 4, p2_1: 5, s1_1: 1 })).toBe(true);
    expect(isValidSipasForm(t, { p1_1: 4, p2_1: 5, s1_1: 9 })).toBe(false);
    expect(isValidSipasForm(t, { p1_1: 4, p2_1: 5, s1_1: '4', s1_2: 0, s2_1: 6 })).toBe(false);
    expect(isValidSipasForm(t, { p1_1: 4, p2_1: 5, s1_1: 4.5 })).toBe(false);
    // threshold 0.6 keeps exactly 3/5 (≥), threshold 0.61 refuses it
    expect(isValidSipasForm(t, { p1_1: 4, p2_1: 5, s1_1: 1 }, { minValidShare: 0.6 })).toBe(true);
    expect(isValidSipasForm(t, { p1_1: 4, p2_1: 5, s1_1: 1 }, { minValidShare: 0.61 })).toBe(false);
  });

  it('two units, two fields: groups are computed from their own forms, with issued counts and an invalid form', () => {
    // Unit A, field F1: 4 forms answering every item: levels 5,4,2,1 → each item 2/4 = 50
    // Unit A, field F2: 2 forms: levels 5,5 → each item 100
    // Unit B, field F1: 1 valid form with level 3 (→ 0) and 1 invalid form (only p1_1 answered)
    const all = (level: number) => ({ p1_1: level, p2_1: level, s1_1: level, s1_2: level, s2_1: level });
    const forms = [
      ...[5, 4, 2, 1].map((l) => ({ unitCode: 'A', fieldCode: 'F1', answers: all(l) })),
      ...[5, 5].map((l) => ({ unitCode: 'A', fieldCode: 'F2', answers: all(l) })),
      { unitCode: 'B', fieldCode: 'F1', answers: all(3) },
      { unitCode: 'B', fieldCode: 'F1', answers: { p1_1: 5 } },
    ];
    const r = scoreSipas({
      template: miniTemplate(),
      forms,
      issued: { round: 10, units: { A: 7 }, unitFields: { B: { F1: 3 } }, fields: { F2: 2 } },
    });
    // Round: valid forms 7: satisfied per item = 2 (A/F1) + 2 (A/F2) + 0 (B) = 4 of 7 → 57.142857…
    expect(r.round.counts).toEqual({ issued: 10, returned: 8, valid: 7, invalid: 1 });
    expect(r.round.overall!.toNumber()).toBeCloseTo(400 / 7, 12);
    // Unit A: 4 of 6 → 66.666…; unit B: 0 of 1 → 0 (a real 0, not "not applicable")
    expect(r.byUnit.map((u) => [u.unitCode, round2(u.overall!), u.counts.issued])).toEqual([
      ['A', 66.67, 7],
      ['B', 0, null],
    ]);
    expect(
      r.byUnitField.map((g) => [g.unitCode, g.fieldCode, g.overall!.toNumber(), g.counts.issued]),
    ).toEqual([
      ['A', 'F1', 50, null],
      ['A', 'F2', 100, null],
      ['B', 'F1', 0, 3],
    ]);
    // Field F1: A/F1 (2 of 4) + B (0 of 1) = 2 of 5 = 40
    expect(r.byField.map((g) => [g.fieldCode, g.overall!.toNumber(), g.counts.issued])).toEqual([
      ['F1', 40, null],
      ['F2', 100, 2],
    ]);
  });

  it('weighted aggregation: CS 0.4, DV 0.6 → 0.4 × 80 + 0.6 × 50 = 62; a not-applicable aspect drops out', () => {
    const t = miniTemplate();
    // 10 forms: P1 = P2 = 8/10 = 80; S1 = (5/10 + 5/10)/2 = 50; S2 = 5/10 = 50 → CS = 80, DV = 50
    const forms = formsFromCounts(10, {
      p1_1: [2, 0, 0, 8, 0],
      p2_1: [0, 2, 0, 0, 8],
      s1_1: [5, 0, 0, 5, 0],
      s1_2: [0, 5, 0, 0, 5],
      s2_1: [0, 0, 5, 5, 0],
    });
    const r = scoreSipas({
      template: t,
      forms,
      rules: {
        aggregation: 'weighted',
        weights: { level: 'aspect', values: { CS: 0.4, DV: 0.6 }, declaredTotal: 1 },
      },
    });
    expect(r.round.aspects.map((a) => a.index!.toNumber())).toEqual([80, 50]);
    expect(r.round.overall!.toNumber()).toBe(62);
    // Without service answers, DV is not applicable: overall = 0.4 × 80 / 0.4 = 80 (weights renormalised)
    const policyOnly = formsFromCounts(5, {
      p1_1: [1, 0, 0, 4, 0],
      p2_1: [0, 1, 0, 0, 4],
      s1_1: [0, 0, 0, 0, 0],
    });
    const r2 = scoreSipas({
      template: t,
      forms: policyOnly,
      rules: {
        minValidShare: 0.4,
        aggregation: 'weighted',
        weights: { level: 'aspect', values: { CS: 0.4, DV: 0.6 }, declaredTotal: 1 },
      },
    });
    expect(r2.round.aspects[1]!.index).toBeNull();
    expect(r2.round.overall!.toNumber()).toBe(80);
  });

  it('element weights, mean of elements and pooled ratio give their own documented figures', () => {
    const t = miniTemplate();
    // p1_1 4/5 = 80, p2_1 4/5 = 80, s1_1 2/5 = 40, s1_2 3/5 = 60 → S1 = 50, s2_1 5/5 = 100
    const forms = formsFromCounts(5, {
      p1_1: [1, 0, 0, 4, 0],
      p2_1: [0, 1, 0, 0, 4],
      s1_1: [3, 0, 0, 2, 0],
      s1_2: [2, 0, 0, 0, 3],
      s2_1: [0, 0, 0, 0, 5],
    });
    const elements = scoreSipas({ template: t, forms, rules: { aggregation: 'mean-of-elements' } });
    // (80 + 80 + 50 + 100)/4 = 77.5
    expect(elements.round.overall!.toNumber()).toBe(77.5);
    const aspects = scoreSipas({ template: t, forms });
    // CS = 80, DV = (50 + 100)/2 = 75 → (80 + 75)/2 = 77.5 as well; pooled: (4+4+2+3+5)/25 = 18/25 = 72
    expect(aspects.round.overall!.toNumber()).toBe(77.5);
    const pooled = scoreSipas({ template: t, forms, rules: { aggregation: 'pooled' } });
    expect(pooled.round.overall!.toNumber()).toBe(72);
    const weighted = scoreSipas({
      template: t,
      forms,
      rules: {
        aggregation: 'weighted',
        weights: { level: 'element', values: { P1: 10, P2: 10, S1: 40, S2: 40 }, declaredTotal: 100 },
      },
    });
    // (10·80 + 10·80 + 40·50 + 40·100)/100 = (800 + 800 + 2000 + 4000)/100 = 76
    expect(weighted.round.overall!.toNumber()).toBe(76);
  });

  it('satisfied levels are a setting: counting only level 5, S1.1 [1,2,5,20,12] → 12/40 = 30', () => {
    const r = scoreSipas({
      template: example1Template(),
      forms: formsFromCounts(40, { ...EXAMPLE_1_COUNTS }),
      rules: { satisfiedLevels: [5] },
    });
    expect(r.round.items[0]!.index!.toNumber()).toBe(30);
  });
});

describe('SIPAS rules and edge cases', () => {
  it('an item or element without valid answers is null (not applicable), never 0', () => {
    const forms = formsFromCounts(4, { p1_1: [0, 0, 0, 4, 0], p2_1: [0, 0, 0, 0, 4], s1_1: [0, 0, 4, 0, 0] });
    const r = scoreSipas({ template: miniTemplate(), forms });
    expect(r.round.items.find((i) => i.questionId === 's2_1')!.index).toBeNull();
    expect(r.round.elements.find((e) => e.code === 'S2')!.index).toBeNull();
    // DV = S1 only = 0 (level 3 is not satisfied); CS = 100 → overall 50
    expect(r.round.overall!.toNumber()).toBe(50);
    expect(scoreSipas({ template: miniTemplate(), forms: [] }).round.overall).toBeNull();
  });

  it('tallies choice questions over valid forms (perceptions, expectations)', () => {
    const forms = [
      { unitCode: 'A', fieldCode: 'F', answers: { p1_1: 5, p2_1: 5, s1_1: 5, mm_1: ['a', 'b'] } },
      { unitCode: 'A', fieldCode: 'F', answers: { p1_1: 5, p2_1: 5, s1_1: 5, mm_1: ['b', 'zz'] } },
      { unitCode: 'A', fieldCode: 'F', answers: { p1_1: 5, p2_1: 5, s1_1: 5, mm_1: 'nope' } },
      { unitCode: 'A', fieldCode: 'F', answers: { mm_1: ['a'] } },
    ];
    const r = scoreSipas({ template: miniTemplate(), forms });
    expect(r.round.choices.mm_1).toEqual({ answered: 2, counts: { a: 1, b: 2 } });
  });

  it('refuses inconsistent rules and inputs with precise messages', () => {
    const t = miniTemplate();
    expect(() => scoreSipas({ template: t, forms: [], rules: { aggregation: 'weighted' } })).toThrow(
      ConfigError,
    );
    expect(() =>
      scoreSipas({
        template: t,
        forms: [],
        rules: { weights: { level: 'aspect', values: { CS: 0.5, DV: 0.4 }, declaredTotal: 1 } },
      }),
    ).toThrow('tổng trọng số (0,9) khác tổng khai báo (1)');
    expect(() =>
      scoreSipas({
        template: t,
        forms: [],
        rules: {
          aggregation: 'weighted',
          weights: { level: 'element', values: { P1: 1, S9: 0 }, declaredTotal: 1 },
        },
      }),
    ).toThrow(/yếu tố "P2": thiếu trọng số.*trọng số "S9"/);
    expect(() => scoreSipas({ template: t, forms: [], rules: { minValidShare: 1.5 } })).toThrow(
      /minValidShare/,
    );
    expect(() => scoreSipas({ template: t, forms: [{ unitCode: '', fieldCode: 'F', answers: {} }] })).toThrow(
      ScoringInputError,
    );
    expect(() =>
      scoreSipas({
        template: t,
        forms: [{ unitCode: 'A', fieldCode: 'F', answers: null as unknown as Record<string, unknown> }],
      }),
    ).toThrow('phiếu thứ 1: câu trả lời không hợp lệ');
    expect(() => scoreSipas({ template: getTemplate('par-province-2024-v1'), forms: [] })).toThrow(
      'không có câu hỏi mức độ hài lòng',
    );
    const noAspects = { ...t, aspects: undefined, elements: t.elements.map(({ aspectCode: _, ...e }) => e) };
    expect(() => scoreSipas({ template: noAspects, forms: [] })).toThrow(
      'yếu tố "P1": không thuộc khía cạnh nào',
    );
    expect(
      scoreSipas({ template: noAspects, forms: [], rules: { aggregation: 'mean-of-elements' } }).round
        .aspects,
    ).toEqual([]);
  });

  it('aggregateSipas with "pooled" falls back to the mean of elements (no counts available)', () => {
    const r = aggregateSipas({
      template: miniTemplate(),
      elements: { P1: new Dec(60), P2: null, S1: new Dec(90), S2: new Dec(100) },
      rules: { aggregation: 'pooled' },
    });
    expect(r.overall!.toString()).toBe('83.3333333333333333333333');
  });

  it('SIPAS % → points of a PAR component, proportionally: 82.3 % of 10 points = 8.23', () => {
    expect(sipasToPoints(new Dec('82.3'), 10).toString()).toBe('8.23');
  });
});
