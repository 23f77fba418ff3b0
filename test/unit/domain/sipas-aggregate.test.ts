import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateSipasColumns,
  type ColumnarLevel,
  type ColumnarSipasResult,
  ConfigError,
  columnarGroupResult,
  columnValidFlags,
  getTemplate,
  isValidSipasForm,
  minValidAnswers,
  resolveSipasRules,
  ScoringInputError,
  type SipasForm,
  type SipasGroupResult,
  type SipasRules,
  scoreSipas,
  sipasColumnsFromForms,
} from '../../../shared/domain/index.ts';
import { formsFromCounts, miniTemplate } from './support/sipas-forms.ts';

const template = miniTemplate();
const ITEM_IDS = ['p1_1', 'p2_1', 's1_1', 's1_2', 's2_1'];

const answerArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 6, 9, 2.5, '4', null) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);
const formArb: fc.Arbitrary<SipasForm> = fc.record({
  unitCode: fc.constantFrom('U1', 'U2', 'U3'),
  fieldCode: fc.constantFrom('F1', 'F2'),
  answers: fc.tuple(...ITEM_IDS.map(() => answerArb)).map((values) => {
    const answers: Record<string, unknown> = {};
    values.forEach((v, i) => {
      if (v !== undefined) answers[ITEM_IDS[i]!] = v;
    });
    return answers;
  }),
});
const rulesArb: fc.Arbitrary<Partial<SipasRules>> = fc.oneof(
  fc.constant({}),
  fc.record({
    minValidShare: fc.constantFrom(0, 0.4, 0.5, 0.8, 1),
    indexMethod: fc.constantFrom('share-satisfied' as const, 'mean-normalised' as const),
    aggregation: fc.constantFrom('mean-of-aspects' as const, 'mean-of-elements' as const, 'pooled' as const),
  }),
  fc.constant({
    aggregation: 'weighted' as const,
    weights: { level: 'aspect' as const, values: { CS: 0.4, DV: 0.6 }, declaredTotal: 1 },
  }),
  fc.constant<Partial<SipasRules>>({ satisfiedLevels: [3, 4, 5] }),
);

/** Decimals compared as exact strings (`null` stays `null`). */
function plain(g: Omit<SipasGroupResult, 'choices'>) {
  const s = (d: { toString(): string } | null) => (d === null ? null : d.toString());
  return {
    counts: g.counts,
    items: g.items.map((i) => ({ ...i, index: s(i.index) })),
    elements: g.elements.map((e) => ({ ...e, index: s(e.index) })),
    aspects: g.aspects.map((a) => ({ ...a, index: s(a.index) })),
    overall: s(g.overall),
  };
}
const all = (result: ColumnarSipasResult, level: ColumnarLevel) =>
  level.keys.map((k, e) => ({ ...k, ...plain(columnarGroupResult(result, level, e)) }));
const rowShape = <T extends SipasGroupResult>(rows: T[], keys: Array<'unitCode' | 'fieldCode'>) =>
  rows.map((r) => ({
    ...Object.fromEntries(keys.map((k) => [k, (r as unknown as Record<string, string>)[k]])),
    ...plain(r),
  }));

describe('columnar SIPAS core agrees exactly with scoreSipas', () => {
  it('on random forms and rules: every count and every decimal at every level (property)', () => {
    fc.assert(
      fc.property(fc.array(formArb, { minLength: 1, maxLength: 60 }), rulesArb, (forms, rules) => {
        const expected = scoreSipas({ template, forms, rules });
        const { groups, columns } = sipasColumnsFromForms(template, forms, rules);
        const got = aggregateSipasColumns({ template, groups, columns, rules });
        expect(all(got, got.round)).toEqual(rowShape([expected.round], []));
        expect(all(got, got.byUnit)).toEqual(rowShape(expected.byUnit, ['unitCode']));
        expect(all(got, got.byField)).toEqual(rowShape(expected.byField, ['fieldCode']));
        expect(all(got, got.byUnitField)).toEqual(rowShape(expected.byUnitField, ['unitCode', 'fieldCode']));
      }),
      { numRuns: 150 },
    );
  });

  it('validity flags follow the round rule exactly like isValidSipasForm (property)', () => {
    fc.assert(
      fc.property(fc.array(formArb, { minLength: 1, maxLength: 40 }), rulesArb, (forms, rules) => {
        const { columns } = sipasColumnsFromForms(template, forms, rules);
        // Columns are grouped-sorted only in `groups`; rows keep the input order.
        expect(Array.from(columns.valid)).toEqual(
          forms.map((f) => (isValidSipasForm(template, f.answers, rules) ? 1 : 0)),
        );
      }),
    );
  });

  it('methodology §6.2 example 1 counts through the columns: S1 = (80 + 77.5) / 2 in the 2-item mini template', () => {
    const forms = formsFromCounts(40, {
      s1_1: [1, 2, 5, 20, 12],
      s1_2: [0, 3, 6, 18, 13],
      s2_1: [1, 1, 3, 21, 14],
    });
    const { groups, columns } = sipasColumnsFromForms(template, forms, { minValidShare: 0 });
    const r = aggregateSipasColumns({ template, groups, columns, rules: { minValidShare: 0 } });
    const g = columnarGroupResult(r, r.round, 0);
    expect(g.items.find((i) => i.questionId === 's1_1')!.index!.toString()).toBe('80');
    expect(g.elements.find((e) => e.code === 'S1')!.index!.toFixed(10)).toBe('78.7500000000');
    expect(g.counts).toEqual({ issued: null, returned: 40, valid: 40, invalid: 0 });
  });

  it('issued counts pass through per level; invalid forms are counted but not scored', () => {
    const forms: SipasForm[] = [
      { unitCode: 'U1', fieldCode: 'F1', answers: { p1_1: 5, p2_1: 4, s1_1: 1, s1_2: 2, s2_1: 5 } },
      { unitCode: 'U1', fieldCode: 'F1', answers: { p1_1: 5 } },
    ];
    const { groups, columns } = sipasColumnsFromForms(template, forms);
    const r = aggregateSipasColumns({
      template,
      groups,
      columns,
      issued: { round: 10, units: { U1: 7 }, fields: { F1: 6 }, unitFields: { U1: { F1: 5 } } },
    });
    expect(columnarGroupResult(r, r.round, 0).counts).toEqual({
      issued: 10,
      returned: 2,
      valid: 1,
      invalid: 1,
    });
    expect(r.byUnit.issued).toEqual([7]);
    expect(r.byField.issued).toEqual([6]);
    expect(r.byUnitField.issued).toEqual([5]);
    expect(r.round.itemIndex[0]!.toString()).toBe('100');
  });

  it('an element outside every aspect: mean-of-aspects refused like scoreSipas, mean-of-elements agrees', () => {
    const orphan = {
      ...template,
      elements: template.elements.map((e) => (e.code === 'S2' ? { code: 'S2', name: 'S2' } : e)),
    };
    const forms: SipasForm[] = [
      { unitCode: 'U', fieldCode: 'F', answers: { p1_1: 5, p2_1: 4, s1_1: 3, s2_1: 5 } },
    ];
    const { groups, columns } = sipasColumnsFromForms(orphan, forms);
    expect(() => scoreSipas({ template: orphan, forms })).toThrow(ConfigError);
    expect(() => aggregateSipasColumns({ template: orphan, groups, columns })).toThrow(ConfigError);
    const rules = { aggregation: 'mean-of-elements' as const };
    const got = aggregateSipasColumns({ template: orphan, groups, columns, rules });
    expect(got.round.overall[0]!.toString()).toBe(
      scoreSipas({ template: orphan, forms, rules }).round.overall!.toString(),
    );
  });

  it('minValidAnswers: the smallest k with k / items ≥ share', () => {
    const rules = resolveSipasRules({ minValidShare: 0.5 });
    expect(minValidAnswers(5, rules)).toBe(3);
    expect(minValidAnswers(22, rules)).toBe(11);
    expect(minValidAnswers(29, resolveSipasRules({ minValidShare: 0.8 }))).toBe(24);
    expect(minValidAnswers(5, resolveSipasRules({ minValidShare: 0 }))).toBe(0);
  });

  it('refuses answers outside 0–5, unknown groups and ragged columns', () => {
    const answers = ITEM_IDS.map(() => Uint8Array.from([5, 4]));
    const base = { template, groups: [{ unitCode: 'U', fieldCode: 'F' }] };
    const ok = { group: Uint32Array.from([0, 0]), valid: Uint8Array.from([1, 1]), answers };
    expect(aggregateSipasColumns({ ...base, columns: ok }).round.valid[0]).toBe(2);
    for (const bad of [6, 9, 200]) {
      const cols = ITEM_IDS.map((_, i) => Uint8Array.from([i === 2 ? bad : 4, 4]));
      expect(() => aggregateSipasColumns({ ...base, columns: { ...ok, answers: cols } })).toThrow(
        ScoringInputError,
      );
    }
    expect(() =>
      aggregateSipasColumns({ ...base, columns: { ...ok, group: Uint32Array.from([0, 1]) } }),
    ).toThrow(/nhóm 1 không tồn tại/);
    expect(() => aggregateSipasColumns({ ...base, columns: { ...ok, answers: answers.slice(1) } })).toThrow(
      ScoringInputError,
    );
    expect(() => columnValidFlags(template, [Uint8Array.from([1]), ...answers.slice(1)])).toThrow(
      ScoringInputError,
    );
  });

  it('the 2024 national template (29 items, 2 aspects) agrees on a generated wave', () => {
    const sipas = getTemplate('sipas-2024-v1');
    const ids = sipas.sections.flatMap((s) => s.questions.filter((q) => q.type === 'scale').map((q) => q.id));
    const forms: SipasForm[] = Array.from({ length: 300 }, (_, n) => ({
      unitCode: `U${n % 7}`,
      fieldCode: `F${n % 3}`,
      answers: Object.fromEntries(ids.map((id, i) => [id, (n * 7 + i * 3) % 6])),
    }));
    const expected = scoreSipas({ template: sipas, forms });
    const { groups, columns } = sipasColumnsFromForms(sipas, forms);
    const got = aggregateSipasColumns({ template: sipas, groups, columns });
    expect(all(got, got.byUnitField)).toEqual(rowShape(expected.byUnitField, ['unitCode', 'fieldCode']));
    expect(all(got, got.round)).toEqual(rowShape([expected.round], []));
  });
});
