/**
 * Local stand-in for the AWS JWT authorizer of `ops` routes. It yields the same
 * `requestContext.authorizer` shape (claims as strings) so handlers authorise identically in both worlds.
 * Two kinds of bearer token are accepted: the all-powerful dev token (for curl) and the JWTs the
 * console's dev sign-in issues (`POST /ops/auth/dev-login`, see console-site.ts), verified for
 * signature, issuer, audience and expiry like API Gateway verifies Cognito's.
 * Swap it by passing another `Authorizer` to the gateway.
 */
import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { JwtAuthorizerContext } from './http-event.ts';

export type AuthResult =
  | { ok: true; authorizer: JwtAuthorizerContext }
  | { ok: false; code: 'UNAUTHENTICATED' | 'INVALID_TOKEN' };

/** Receives the lower-cased `authorization` header (undefined when absent). */
export type Authorizer = (authorization: string | undefined) => AuthResult | Promise<AuthResult>;

/** Claims of the dev principal: an administrator of every unit. */
export const DEV_CLAIMS = { sub: 'dev', roles: 'admin', units: '*' } as const;

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare equal-length buffers only; the length check leaks nothing useful about a random token.
  return left.length === right.length && timingSafeEqual(left, right);
};

const bearer = (authorization: string | undefined): string | undefined =>
  (authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization))?.[1];

export const devTokenAuthorizer =
  (devToken: string) =>
  (authorization: string | undefined): AuthResult => {
    const token = bearer(authorization);
    if (!token) return { ok: false, code: 'UNAUTHENTICATED' };
    if (!sameSecret(token, devToken)) return { ok: false, code: 'INVALID_TOKEN' };
    return {
      ok: true,
      authorizer: { jwt: { claims: { ...DEV_CLAIMS }, scopes: null } },
    };
  };

// --- console sign-in JWTs ------------------------------------------------------------------------

export const CONSOLE_JWT_ISSUER = 'dieutra-local';
export const CONSOLE_JWT_AUDIENCE = 'dieutra-ops-console';
const CONSOLE_JWT_TTL_SECONDS = 8 * 60 * 60;

/**
 * The HS256 key of console JWTs, derived from the dev token: the dev token is random per data folder
 * (or set by DIEUTRA_DEV_TOKEN), so each data folder has its own key and a restart keeps sessions.
 */
export const consoleJwtKey = (devToken: string): Uint8Array =>
  new Uint8Array(hkdfSync('sha256', devToken, 'dieutra-local', 'console-jwt-hs256', 32));

export interface ConsoleClaims {
  sub: string;
  name: string;
  roles: string[];
  units: string[];
}

export const signConsoleJwt = (key: Uint8Array, claims: ConsoleClaims, now = new Date()): Promise<string> =>
  new SignJWT({ name: claims.name, roles: claims.roles, units: claims.units })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(CONSOLE_JWT_ISSUER)
    .setAudience(CONSOLE_JWT_AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + CONSOLE_JWT_TTL_SECONDS)
    .sign(key);

/** API Gateway hands claims to the function as strings, arrays flattened to "[a b]". */
const asAuthorizerClaim = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(String).join(' ')}]`
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

/** The local runtime's default: the dev token, or a console JWT signed with the data folder's key. */
export const localAuthorizer = (devToken: string): Authorizer => {
  const dev = devTokenAuthorizer(devToken);
  const key = consoleJwtKey(devToken);
  return (authorization) => {
    const token = bearer(authorization);
    if (!token || !looksLikeJwt(token)) return dev(authorization);
    return jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: CONSOLE_JWT_ISSUER,
      audience: CONSOLE_JWT_AUDIENCE,
      requiredClaims: ['sub', 'exp'],
    }).then(
      ({ payload }): AuthResult => ({
        ok: true,
        authorizer: {
          jwt: {
            claims: Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, asAuthorizerClaim(v)])),
            scopes: null,
          },
        },
      }),
      (error: unknown): AuthResult => {
        if (error instanceof joseErrors.JOSEError) return { ok: false, code: 'INVALID_TOKEN' };
        throw error;
      },
    );
  };
};
