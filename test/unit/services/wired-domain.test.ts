/** The domain pieces reachable from services before their API exists: rater plans and PAR composition. */
import { describe, expect, it } from 'vitest';
import { planRaterAssignments } from '../../../services/sampling/plan-raters.ts';
import { composeParIndex } from '../../../services/scoring/par-composition.ts';
import { TWO_TIER_2025_RATER_MATRIX } from '../../../shared/domain/index.ts';
import { sipasRound } from '../support/fixtures.ts';

describe('planRaterAssignments', () => {
  const par = sipasRound({
    kind: 'PAR',
    raterMatrix: TWO_TIER_2025_RATER_MATRIX,
    units: [
      { code: 'SO1', name: 'Sở Một', type: 'department' },
      { code: 'X1', name: 'Xã Một', type: 'commune' },
      { code: 'FREE', name: 'Không rõ loại' },
    ],
  });

  it('expands the round’s matrix over its typed units, excluding a rater’s own unit', () => {
    const plan = planRaterAssignments(par, [
      { id: 'r1', groupCode: 'LD_SO', unitCode: 'SO1' },
      { id: 'r2', groupCode: 'LD_XA', unitCode: 'X1' },
    ]);
    expect(plan.assignments.map((a) => `${a.raterId}→${a.targetCode}`)).toEqual(['r1→X1', 'r2→SO1']);
    expect(plan.countsByTarget).toEqual({ SO1: 1, X1: 1 });
  });

  it('refuses a round without a matrix', () => {
    expect(() => planRaterAssignments(sipasRound(), [])).toThrow(
      expect.objectContaining({ code: 'NO_RATER_MATRIX' }),
    );
  });
});

describe('composeParIndex', () => {
  it('scores a unit out of the applicable maximum of a known composition', () => {
    const result = composeParIndex('par-national-province-2022', {
      THAM_DINH: 61.5,
      SIPAS: 10,
      LANH_DAO: 22,
      KTXH: null,
    });
    // 93.5 of 93.5 applicable points (the socio-economic component does not apply).
    expect(result.applicableMax.toNumber()).toBe(93.5);
    expect(result.index?.toNumber()).toBe(100);
  });

  it('404 for an unknown composition', () => {
    expect(() => composeParIndex('nope', {})).toThrow(
      expect.objectContaining({ code: 'PAR_CONFIG_NOT_FOUND' }),
    );
  });
});
