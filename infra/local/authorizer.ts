/**
 * Local stand-in for the AWS JWT authorizer of `ops` routes. It yields the same
 * `requestContext.authorizer` shape (claims as strings) so handlers authorise identically in both worlds.
 * Swap it by passing another `Authorizer` to the gateway.
 */
import { timingSafeEqual } from 'node:crypto';
import type { JwtAuthorizerContext } from './http-event.ts';

export type AuthResult =
  | { ok: true; authorizer: JwtAuthorizerContext }
  | { ok: false; code: 'UNAUTHENTICATED' | 'INVALID_TOKEN' };

/** Receives the lower-cased `authorization` header (undefined when absent). */
export type Authorizer = (authorization: string | undefined) => AuthResult;

/** Claims of the dev principal: an administrator of every unit. */
export const DEV_CLAIMS = { sub: 'dev', roles: 'admin', units: '*' } as const;

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare equal-length buffers only; the length check leaks nothing useful about a random token.
  return left.length === right.length && timingSafeEqual(left, right);
};

export const devTokenAuthorizer =
  (devToken: string): Authorizer =>
  (authorization) => {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) return { ok: false, code: 'UNAUTHENTICATED' };
    if (!sameSecret(match[1], devToken)) return { ok: false, code: 'INVALID_TOKEN' };
    return {
      ok: true,
      authorizer: { jwt: { claims: { ...DEV_CLAIMS }, scopes: null } },
    };
  };
