import { type Principal, visibleUnits } from '../../shared/platform/auth.ts';

type UnitRows = Array<{ unitCode: string }>;

/** A unit's focal point sees its own unit's rows; the province-wide aggregate stays visible. */
export const scopeResults = (latest: Record<string, unknown> | null, principal: Principal) => {
  if (!latest || principal.units === '*') return latest;
  return {
    ...latest,
    units: visibleUnits(principal, (latest.units ?? []) as UnitRows),
    unitFields: visibleUnits(principal, (latest.unitFields ?? []) as UnitRows),
  };
};
