import { describe, expect, it } from 'vitest';
import { scopeResults } from '../../../services/scoring/scope-results.ts';
import { canAccessUnit, principalFromClaims, visibleUnits } from '../../../shared/platform/auth.ts';

describe('principal from JWT claims', () => {
  it('reads roles and units as API Gateway passes them (space list, "[a b]", arrays), dropping unknown roles', () => {
    expect(principalFromClaims({ sub: 'a', roles: '[operator root]', units: 'U1 U2' })).toEqual({
      sub: 'a',
      roles: ['operator'],
      units: ['U1', 'U2'],
    });
    expect(principalFromClaims({ sub: 'b', 'cognito:groups': ['admin'], units: '*' })).toEqual({
      sub: 'b',
      roles: ['admin'],
      units: '*',
    });
    expect(principalFromClaims({ roles: 'admin' })).toBeNull();
    expect(principalFromClaims(undefined)).toBeNull();
  });

  it('a unit focal point sees only its own units', () => {
    const focal = principalFromClaims({ sub: 'f', roles: 'viewer', units: 'U1' })!;
    expect(canAccessUnit(focal, 'U1')).toBe(true);
    expect(canAccessUnit(focal, 'U2')).toBe(false);
    expect(visibleUnits(focal, [{ unitCode: 'U1' }, { unitCode: 'U2' }])).toEqual([{ unitCode: 'U1' }]);
    const latest = {
      round: { index: 80 },
      units: [{ unitCode: 'U1' }, { unitCode: 'U2' }],
      unitFields: [{ unitCode: 'U2' }],
    };
    expect(scopeResults(latest, focal, 0)).toEqual({
      round: { index: 80 },
      units: [{ unitCode: 'U1' }],
      unitFields: [],
    });
    const all = principalFromClaims({ sub: 'p', roles: 'admin', units: '*' })!;
    expect(scopeResults(latest, all, 10)).toBe(latest);
    expect(scopeResults(null, focal, 10)).toBeNull();
  });
});
