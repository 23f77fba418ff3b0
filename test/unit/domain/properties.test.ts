import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateQuotas,
  expandRaterAssignments,
  HAI_PHONG_2020_RATER_MATRIX,
  type OrgUnit,
  PROVINCE_INTERNAL_PAR_2024,
  rankUnits,
  type SipasForm,
  type SipasGroupResult,
  type SipasResult,
  type SipasRules,
  sampleSize,
  scorePar,
  scoreSipas,
} from '../../../shared/domain/index.ts';
import { miniTemplate } from './support/sipas-forms.ts';

const template = miniTemplate();
const ITEM_IDS = ['p1_1', 'p2_1', 's1_1', 's1_2', 's2_1'];

/** An answer as it may arrive: a valid level, a paper code, a blank, junk. */
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

/** A form that is invalid under the default 50 % rule: at most 2 of the 5 items validly answered. */
const invalidFormArb: fc.Arbitrary<SipasForm> = fc.record({
  unitCode: fc.constantFrom('U1', 'U2', 'U3'),
  fieldCode: fc.constantFrom('F1', 'F2'),
  answers: fc
    .tuple(
      fc.subarray(ITEM_IDS, { maxLength: 2 }),
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 2 }),
    )
    .map(([ids, levels]) => Object.fromEntries(ids.map((id, i) => [id, levels[i]]))),
});

const rulesArb: fc.Arbitrary<Partial<SipasRules>> = fc.oneof(
  fc.record({
    indexMethod: fc.constantFrom('share-satisfied' as const, 'mean-normalised' as const),
    aggregation: fc.constantFrom('mean-of-aspects' as const, 'mean-of-elements' as const, 'pooled' as const),
  }),
  fc.record({
    indexMethod: fc.constantFrom('share-satisfied' as const, 'mean-normalised' as const),
    aggregation: fc.constant('weighted' as const),
    weights: fc.constant({
      level: 'element' as const,
      values: { P1: 1, P2: 2, S1: 3, S2: 4 },
      declaredTotal: 10,
    }),
  }),
);

function groups(r: SipasResult): SipasGroupResult[] {
  return [r.round, ...r.byUnit, ...r.byField, ...r.byUnitField];
}

function indexes(g: SipasGroupResult) {
  return [
    ...g.items.map((i) => i.index),
    ...g.elements.map((e) => e.index),
    ...g.aspects.map((a) => a.index),
    g.overall,
  ];
}

/** Everything but the counts, as exact strings (Decimal serialises to its exact string). */
function withoutCounts(r: SipasResult) {
  const strip = ({ counts: _, ...rest }: SipasGroupResult) => rest;
  return JSON.stringify({
    round: strip(r.round),
    byUnit: r.byUnit.map(strip),
    byField: r.byField.map(strip),
    byUnitField: r.byUnitField.map(strip),
  });
}

describe('SIPAS properties', () => {
  it('every index lies in [0, 100], whatever the answers and the rules', () => {
    fc.assert(
      fc.property(fc.array(formArb, { maxLength: 40 }), rulesArb, (forms, rules) => {
        const r = scoreSipas({ template, forms, rules });
        for (const g of groups(r)) {
          for (const v of indexes(g)) {
            if (v !== null) {
              expect(v.greaterThanOrEqualTo(0)).toBe(true);
              expect(v.lessThanOrEqualTo(100)).toBe(true);
            }
          }
        }
      }),
    );
  });

  it('scores do not depend on the order of the forms', () => {
    fc.assert(
      fc.property(
        fc
          .array(formArb, { maxLength: 30 })
          .chain((forms) =>
            fc.tuple(fc.constant(forms), fc.shuffledSubarray(forms, { minLength: forms.length })),
          ),
        rulesArb,
        ([forms, shuffled], rules) => {
          expect(JSON.stringify(scoreSipas({ template, forms: shuffled, rules }))).toBe(
            JSON.stringify(scoreSipas({ template, forms, rules })),
          );
        },
      ),
    );
  });

  it('adding an invalid form changes nothing but the counts (returned +1, invalid +1)', () => {
    fc.assert(
      fc.property(
        fc.array(formArb, { minLength: 1, maxLength: 30 }),
        invalidFormArb,
        fc.nat(),
        (forms, invalid, at) => {
          // keep the invalid form in a group that already exists, so no group appears because of it
          const host = forms[at % forms.length]!;
          const extra = { ...invalid, unitCode: host.unitCode, fieldCode: host.fieldCode };
          const before = scoreSipas({ template, forms });
          const after = scoreSipas({
            template,
            forms: [...forms.slice(0, at % forms.length), extra, ...forms.slice(at % forms.length)],
          });
          expect(withoutCounts(after)).toBe(withoutCounts(before));
          expect(after.round.counts).toEqual({
            ...before.round.counts,
            returned: before.round.counts.returned + 1,
            invalid: before.round.counts.invalid + 1,
          });
        },
      ),
    );
  });
});

describe('PAR properties', () => {
  const leaves = ['LV1', 'LV2', 'LV3', 'LV4', 'LV5', 'LV6', 'LV7', 'DTXHH'];
  const maxOf: Record<string, number> = {
    LV1: 10,
    LV2: 8,
    LV3: 14,
    LV4: 8,
    LV5: 10,
    LV6: 8,
    LV7: 12,
    DTXHH: 30,
  };

  it('the index lies in [0, 100] for any in-range scores (some not applicable)', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          ...leaves.map((code) =>
            fc.option(
              fc.integer({ min: 0, max: maxOf[code]! * 100 }).map((c) => c / 100),
              { freq: 4 },
            ),
          ),
        ),
        (values) => {
          const scores = Object.fromEntries(leaves.map((code, i) => [code, values[i] ?? null]));
          const r = scorePar({ config: PROVINCE_INTERNAL_PAR_2024, scores });
          if (r.index !== null) {
            expect(r.index.greaterThanOrEqualTo(0) && r.index.lessThanOrEqualTo(100)).toBe(true);
          } else {
            expect(values.every((v) => v === null)).toBe(true);
          }
        },
      ),
    );
  });

  it('rankings do not depend on the input order; ranks are consistent with the index order', () => {
    const entryArb = fc.uniqueArray(
      fc.record({
        unitCode: fc.stringMatching(/^[A-Z]{1,3}$/),
        index: fc.option(fc.integer({ min: 0, max: 10000 }).map((v) => v / 100)),
      }),
      { selector: (e) => e.unitCode, maxLength: 25 },
    );
    fc.assert(
      fc.property(
        entryArb.chain((e) => fc.tuple(fc.constant(e), fc.shuffledSubarray(e, { minLength: e.length }))),
        ([entries, shuffled]) => {
          const r = rankUnits(entries);
          expect(JSON.stringify(rankUnits(shuffled))).toBe(JSON.stringify(r));
          for (let i = 1; i < r.length; i++) {
            const a = r[i - 1]!;
            const b = r[i]!;
            if (a.rank !== null && b.rank !== null) {
              expect(a.rank).toBeLessThanOrEqual(b.rank);
              expect(a.index!.greaterThanOrEqualTo(b.index!)).toBe(true);
            }
          }
        },
      ),
    );
  });
});

describe('rater matrix property', () => {
  it('with own-unit exclusion no rater is ever assigned to their own unit, and only those pairs are removed', () => {
    const codes = ['D1', 'D2', 'D3', 'H1', 'H2'];
    const targets: OrgUnit[] = codes.map((code) => ({
      code,
      name: code,
      type: code.startsWith('D') ? 'department' : 'rural-district',
      parentCode: 'P',
      validFrom: '2020-01-01',
      validTo: null,
      successorCodes: [],
    }));
    const groupCodes = HAI_PHONG_2020_RATER_MATRIX.groups.map((g) => g.code);
    const raterArb = fc.uniqueArray(
      fc.record({
        id: fc.stringMatching(/^r[0-9]{1,3}$/),
        groupCode: fc.constantFrom(...groupCodes),
        unitCode: fc.option(fc.constantFrom(...codes, 'OTHER'), { nil: undefined }),
      }),
      { selector: (r) => r.id, maxLength: 30 },
    );
    fc.assert(
      fc.property(raterArb, (raters) => {
        const clean = raters.map(({ unitCode, ...r }) => (unitCode === undefined ? r : { ...r, unitCode }));
        const withExclusion = expandRaterAssignments({
          matrix: HAI_PHONG_2020_RATER_MATRIX,
          raters: clean,
          targets,
        });
        const open = structuredClone(HAI_PHONG_2020_RATER_MATRIX);
        open.excludeOwnUnit = false;
        for (const g of open.groups) for (const t of g.targets) t.excludeOwnUnit = false;
        const without = expandRaterAssignments({ matrix: open, raters: clean, targets });
        const unitOf = new Map(clean.map((r) => [r.id, 'unitCode' in r ? r.unitCode : undefined]));
        expect(withExclusion.assignments.some((a) => unitOf.get(a.raterId) === a.targetCode)).toBe(false);
        expect(withExclusion.assignments).toEqual(
          without.assignments.filter((a) => unitOf.get(a.raterId) !== a.targetCode),
        );
        expect(Object.values(withExclusion.countsByTarget).reduce((a, b) => a + b, 0)).toBe(
          withExclusion.assignments.length,
        );
      }),
    );
  });
});

describe('sampling properties', () => {
  it('n never exceeds N nor 1/e² (+1 for rounding up)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 5_000_000 }),
        fc.integer({ min: 1, max: 20 }).map((p) => p / 100),
        (n, e) => {
          const s = sampleSize(n, e);
          expect(s).toBeLessThanOrEqual(n);
          expect(s).toBeLessThanOrEqual(Math.ceil(1 / (e * e)));
        },
      ),
    );
  });

  it('proportional quotas add up to the total; allocations never exceed the population', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({ key: fc.stringMatching(/^[a-z]{1,4}$/), population: fc.nat({ max: 5000 }) }),
          {
            selector: (s) => s.key,
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.nat({ max: 3000 }),
        (strata, total) => {
          const r = allocateQuotas(strata, { method: 'proportional', total });
          const populated = strata.some((s) => s.population > 0);
          expect(r.totalTarget).toBe(populated ? total : 0);
          for (const a of r.allocations) {
            expect(a.allocated).toBeLessThanOrEqual(a.population);
            expect(a.allocated + a.shortfall).toBe(a.target);
          }
        },
      ),
    );
  });
});
