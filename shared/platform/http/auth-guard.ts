/** Who may call a route: `ops` routes need a principal with one of the roles (and all units if asked). */
import {
  type Principal,
  principalFromClaims,
  type Role,
  requireAllUnits,
  requirePrincipal,
  requireRole,
} from '../auth.ts';
import type { HttpEvent } from './responses.ts';
import type { RouteDeclaration } from './routes.ts';

const OPS_ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export const authorise = (declaration: RouteDeclaration, event: HttpEvent): Principal | null => {
  const principal = principalFromClaims(event.requestContext.authorizer?.jwt?.claims);
  if (declaration.auth !== 'ops') return principal;
  const known = requirePrincipal(principal);
  requireRole(known, declaration.roles ?? OPS_ROLES);
  if (declaration.allUnits) requireAllUnits(known);
  return known;
};
