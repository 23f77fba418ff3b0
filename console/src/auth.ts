/**
 * Who is signed in. Locally (`/ops/config.json` = `{ mode: 'dev' }`) a named dev user signs in through
 * the gateway's `POST /ops/auth/dev-login`, which returns a signed JWT; in AWS the Cognito hosted
 * login (authorisation code + PKCE) returns the ID token. Either way the console only reads the
 * token's claims to shape its navigation; the API verifies the token and decides.
 */

export type Role = 'admin' | 'operator' | 'viewer';

export interface User {
  sub: string;
  name: string;
  roles: Role[];
  /** '*' = every unit of the province. */
  units: '*' | string[];
}

export interface Session {
  token: string;
  user: User;
  /** ms since epoch */
  expiresAt: number;
}

export type ConsoleConfig =
  | { mode: 'dev' }
  /** Deployed with an external identity provider the console does not know how to reach. */
  | { mode: 'none' }
  | {
      mode: 'cognito';
      domain: string;
      clientId: string;
      redirectUri: string;
      logoutUri?: string;
      scopes?: string[];
    };

const KEY = 'dieutra.console.session';
const PKCE_KEY = 'dieutra.console.pkce';
const NOTICE_KEY = 'dieutra.console.notice';

let session: Session | null = null;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};
export const onSessionChange = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

// API Gateway flattens array claims to "[a b]"; accept that, arrays, spaces and commas (like the API).
const listClaim = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
};

const decodePayload = (token: string): Record<string, unknown> => {
  const part = token.split('.')[1] ?? '';
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))) as Record<
    string,
    unknown
  >;
};

export const userFromToken = (token: string): { user: User; expiresAt: number } => {
  const claims = decodePayload(token);
  const roles = listClaim(claims.roles ?? claims['cognito:groups']).filter((r): r is Role =>
    ['admin', 'operator', 'viewer'].includes(r),
  );
  const units = listClaim(claims.units ?? claims['custom:units']);
  const sub = String(claims.sub ?? '');
  return {
    user: {
      sub,
      name: String(claims.name ?? claims.email ?? claims['cognito:username'] ?? sub),
      roles,
      units: units.includes('*') ? '*' : units,
    },
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3_600_000,
  };
};

export const loadSession = (): Session | null => {
  if (session && session.expiresAt > Date.now()) return session;
  try {
    const raw = sessionStorage.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Session) : null;
    session = parsed && parsed.expiresAt > Date.now() ? parsed : null;
  } catch {
    session = null;
  }
  return session;
};

export const currentToken = (): string | undefined => loadSession()?.token;

export const startSession = (token: string): Session => {
  const { user, expiresAt } = userFromToken(token);
  session = { token, user, expiresAt };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  emit();
  return session;
};

/** Ends the session; `notice` is shown on the sign-in page (e.g. the API's reason for a 401). */
export const signOut = (notice?: string): void => {
  session = null;
  sessionStorage.removeItem(KEY);
  if (notice) sessionStorage.setItem(NOTICE_KEY, notice);
  emit();
};

export const takeNotice = (): string | null => {
  const notice = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  return notice;
};

let config: Promise<ConsoleConfig> | undefined;
export const loadConfig = (): Promise<ConsoleConfig> => {
  config ??= fetch('/ops/config.json', { cache: 'no-store' })
    .then((r) => (r.ok ? (r.json() as Promise<ConsoleConfig>) : { mode: 'dev' as const }))
    .catch(() => ({ mode: 'dev' as const }));
  return config;
};

// --- local dev users ---------------------------------------------------------------------------

export interface DevUser {
  id: string;
  name: string;
  description: string;
  roles: Role[];
  units: '*' | string[];
}

export const listDevUsers = async (): Promise<DevUser[]> => {
  const res = await fetch('/ops/auth/dev-users');
  if (!res.ok) throw new Error(`dev-users ${res.status}`);
  return ((await res.json()) as { users: DevUser[] }).users;
};

export const devLogin = async (userId: string): Promise<Session> => {
  const res = await fetch('/ops/auth/dev-login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: userId }),
  });
  const body = (await res.json()) as { token?: string; error?: { code: string; message: string } };
  if (!res.ok || !body.token) throw new Error(body.error?.message ?? `Đăng nhập thất bại (${res.status}).`);
  return startSession(body.token);
};

// --- Cognito hosted login (authorisation code + PKCE) -------------------------------------------

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

export const startHostedLogin = async (cfg: Extract<ConsoleConfig, { mode: 'cognito' }>): Promise<void> => {
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, back: location.pathname }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: cfg.redirectUri,
    scope: (cfg.scopes ?? ['openid', 'email', 'profile']).join(' '),
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  });
  location.assign(`https://${cfg.domain}/oauth2/authorize?${params}`);
};

/** On /ops/callback: checks the state, exchanges the code for tokens and starts the session. */
export const finishHostedLogin = async (
  cfg: Extract<ConsoleConfig, { mode: 'cognito' }>,
  search: string,
): Promise<string> => {
  const params = new URLSearchParams(search);
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    back: string;
  } | null;
  sessionStorage.removeItem(PKCE_KEY);
  if (params.get('error'))
    throw new Error(`Đăng nhập bị từ chối: ${params.get('error_description') ?? params.get('error')}`);
  if (!saved || params.get('state') !== saved.state)
    throw new Error('Phiên đăng nhập không khớp; hãy đăng nhập lại.');
  const res = await fetch(`https://${cfg.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: cfg.clientId,
      code: params.get('code') ?? '',
      redirect_uri: cfg.redirectUri,
      code_verifier: saved.verifier,
    }),
  });
  const body = (await res.json()) as { id_token?: string; error?: string };
  if (!res.ok || !body.id_token)
    throw new Error(`Không lấy được mã đăng nhập (${body.error ?? res.status}).`);
  // The ID token carries the groups/units claims the API's JWT authorizer reads (audience = client id).
  startSession(body.id_token);
  return saved.back.startsWith('/ops/') ? saved.back : '/ops/';
};

export const hostedLogoutUrl = (cfg: Extract<ConsoleConfig, { mode: 'cognito' }>): string =>
  `https://${cfg.domain}/logout?${new URLSearchParams({
    client_id: cfg.clientId,
    logout_uri: cfg.logoutUri ?? cfg.redirectUri.replace(/callback$/, ''),
  })}`;

// --- what the user may do (mirrors the API's route roles; the API still decides) ----------------

const hasRole = (user: User, roles: readonly Role[]) => user.roles.some((r) => roles.includes(r));
const allUnits = (user: User) => user.units === '*';

export const can = {
  createRound: (u: User) => hasRole(u, ['admin']) && allUnits(u),
  uploadRoster: (u: User) => hasRole(u, ['admin', 'operator']),
  drawSample: (u: User) => hasRole(u, ['admin']) && allUnits(u),
  downloadLists: (u: User) => hasRole(u, ['admin', 'operator']),
  seeRespondents: (u: User) => hasRole(u, ['admin', 'operator']),
  runScoring: (u: User) => hasRole(u, ['admin']) && allUnits(u),
  keyPaper: (u: User) => hasRole(u, ['admin', 'operator']),
  resolvePaper: (u: User) => hasRole(u, ['admin']),
  readAudit: (u: User) => hasRole(u, ['admin']),
  transitionRound: (u: User) => hasRole(u, ['admin']) && allUnits(u),
  readMicrodata: (u: User) => hasRole(u, ['admin', 'viewer']),
  readIntegritySignals: (u: User) => hasRole(u, ['admin', 'operator']),
  seeCallListPersonalData: (u: User) => hasRole(u, ['admin', 'operator']),
  /** PAR: import a criteria tree, attach it to a round, appraise, publish, finalise (the Sở). */
  manageParCriteria: (u: User) => hasRole(u, ['admin']) && allUnits(u),
  appraisePar: (u: User) => hasRole(u, ['admin']) && allUnits(u),
  /** PAR: the unit's focal point (an operator or admin whose units hold it) scores and answers. */
  selfAssessPar: (u: User, unitCode: string) => hasRole(u, ['admin', 'operator']) && seesUnit(u, unitCode),
  readParAudit: (u: User) => hasRole(u, ['admin', 'viewer']) && allUnits(u),
};

export const seesUnit = (user: User, unitCode: string): boolean =>
  user.units === '*' || user.units.includes(unitCode);

const ROLE_LABEL: Record<Role, string> = {
  admin: 'Quản trị',
  operator: 'Cán bộ nghiệp vụ',
  viewer: 'Chỉ xem',
};
export const roleLabel = (roles: readonly Role[]): string =>
  roles.length ? roles.map((r) => ROLE_LABEL[r]).join(', ') : 'Không có vai trò';
export const unitsLabel = (units: '*' | string[]): string =>
  units === '*' ? 'Tất cả đơn vị' : units.join(', ') || 'Không có đơn vị';
