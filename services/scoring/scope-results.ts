import { type Principal, visibleUnits } from '../../shared/platform/auth.ts';

type UnitRows = ReadonlyArray<{ unitCode: string }>;

/** A unit's focal point sees its own unit's rows; the province-wide aggregate stays visible. */
export const scopeResults = <T extends { units: UnitRows; unitFields: UnitRows }>(
  latest: T | null,
  principal: Principal,
): T | null => {
  if (!latest || principal.units === '*') return latest;
  return {
    ...latest,
    units: visibleUnits(principal, latest.units),
    unitFields: visibleUnits(principal, latest.unitFields),
  };
};
