/**
 * Who is calling. In AWS the HTTP API's JWT authorizer verifies the token and passes its
 * claims; locally the gateway's dev-token authorizer injects the same shape. Handlers only
 * read claims, so the mechanism can be swapped without touching them.
 *  - `roles`: space-separated, e.g. "admin" or "operator"
 *  - `units`: space-separated unit codes the caller may act for, or "*" for every unit
 */
import { ForbiddenError, UnauthenticatedError } from './errors.ts';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  sub: string;
  roles: Role[];
  units: '*' | string[];
}

type Claims = Record<string, string | number | boolean | string[]> | undefined;

// API Gateway flattens array claims to "[a b]"; accept that, JSON arrays, spaces and commas.
const listClaim = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
};

export const principalFromClaims = (claims: Claims): Principal | null => {
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') return null;
  const roles = listClaim(claims.roles ?? claims['cognito:groups']).filter((r): r is Role =>
    (ROLES as readonly string[]).includes(r),
  );
  const units = listClaim(claims.units);
  return { sub: claims.sub, roles, units: units.includes('*') ? '*' : units };
};

export const requirePrincipal = (principal: Principal | null): Principal => {
  if (!principal) throw new UnauthenticatedError();
  return principal;
};

export const requireRole = (principal: Principal, allowed: readonly Role[]): void => {
  if (!principal.roles.some((r) => allowed.includes(r))) {
    throw new ForbiddenError(`Thao tác này cần vai trò: ${allowed.join(', ')}.`);
  }
};

/** Province-wide staff (units "*") see every unit; a unit's focal point sees only its own. */
export const canAccessUnit = (principal: Principal, unitCode: string): boolean =>
  principal.units === '*' || principal.units.includes(unitCode);

/** What a unit-scoped caller may see of a per-unit list. */
export const visibleUnits = <T extends { unitCode: string }>(
  principal: Principal,
  items: readonly T[],
): T[] => items.filter((item) => canAccessUnit(principal, item.unitCode));

export const requireAllUnits = (principal: Principal): void => {
  if (principal.units !== '*')
    throw new ForbiddenError('Thao tác này cần quyền trên toàn bộ đơn vị của tỉnh.');
};
