/**
 * The ops console on the local gateway, at /ops/ — what CloudFront + S3 do in AWS:
 *  - static files from console/dist (built by `npm run build:console`) with their content types,
 *    immutable caching for hashed assets, no-cache for index.html, a strict CSP (no inline script);
 *  - SPA fallback: any other /ops/… path without a file extension answers index.html (deep links);
 *  - `GET /ops/config.json` → `{ "mode": "dev" }` (in AWS the deploy writes the Cognito settings);
 *  - local sign-in: `GET /ops/auth/dev-users` lists infra/local/dev-users.json, and
 *    `POST /ops/auth/dev-login` `{ "user": id }` returns a signed JWT with the user's claims
 *    (`sub`, `roles`, `units`) that the local authorizer verifies (authorizer.ts).
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { z } from 'zod';
import { consoleCsp } from '../../console/csp.ts';
import { consoleJwtKey, signConsoleJwt } from './authorizer.ts';
import { REPO_ROOT } from './paths.ts';

export const CONSOLE_PREFIX = '/ops';

const SECURITY_HEADERS = {
  'content-security-policy': consoleCsp(),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const DevUserSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
  name: z.string().min(1),
  description: z.string().default(''),
  roles: z.array(z.enum(['admin', 'operator', 'viewer'])).min(1),
  units: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]),
});
const DevUsersFileSchema = z.object({ users: z.array(DevUserSchema).min(1) });
export type DevUser = z.infer<typeof DevUserSchema>;

export const DEFAULT_DEV_USERS_FILE = join(REPO_ROOT, 'infra/local/dev-users.json');
export const DEFAULT_CONSOLE_DIST = join(REPO_ROOT, 'console/dist');

export const readDevUsers = (file: string = DEFAULT_DEV_USERS_FILE): DevUser[] => {
  const parsed = DevUsersFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data.users;
};

export interface ConsoleSite {
  /** True when the path belongs to the console (the gateway then lets `serve` answer). */
  handles(path: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface ConsoleSiteOptions {
  /** Signs the dev users' JWTs (the key is derived from it: authorizer.ts). */
  devToken: string;
  distDir?: string;
  usersFile?: string;
}

const send = (
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
  head = false,
): void => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': bytes.length });
  res.end(head ? undefined : bytes);
};

const sendJson = (res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}) =>
  send(
    res,
    status,
    { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra },
    JSON.stringify(value),
  );

const apiError = (
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
) => sendJson(res, status, { error: { code, message } }, extra);

const readSmallBody = async (req: IncomingMessage, limit = 4096): Promise<string | null> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

export const createConsoleSite = (options: ConsoleSiteOptions): ConsoleSite => {
  const dist = resolve(options.distDir ?? DEFAULT_CONSOLE_DIST);
  const users = readDevUsers(options.usersFile);
  const key = consoleJwtKey(options.devToken);

  const file = async (relative: string): Promise<Buffer | null> => {
    const full = normalize(join(dist, relative));
    // Never outside dist (a `..` in the path); only regular files.
    if (full !== dist && !full.startsWith(dist + sep)) return null;
    try {
      if (!(await stat(full)).isFile()) return null;
      return await readFile(full);
    } catch {
      return null;
    }
  };

  const serveIndex = async (res: ServerResponse, head: boolean): Promise<void> => {
    const index = await file('index.html');
    if (!index) {
      return send(
        res,
        503,
        { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        'Bảng điều hành chưa được dựng: chạy `npm run build:console` rồi tải lại trang.\n' +
          'The console is not built: run `npm run build:console` and reload.\n',
        head,
      );
    }
    send(res, 200, { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-cache' }, index, head);
  };

  const devLogin = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return apiError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Hãy gửi JSON (Content-Type: application/json).');
    }
    const text = await readSmallBody(req);
    if (text === null) return apiError(res, 413, 'PAYLOAD_TOO_LARGE', 'Nội dung gửi lên quá lớn.');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return apiError(res, 400, 'MALFORMED_JSON', 'Nội dung không phải JSON hợp lệ.');
    }
    const id = (body as { user?: unknown } | null)?.user;
    const user = users.find((u) => u.id === id);
    if (!user)
      return apiError(res, 404, 'USER_NOT_FOUND', 'Không có người dùng thử này trong dev-users.json.');
    const token = await signConsoleJwt(key, {
      sub: user.id,
      name: user.name,
      roles: user.roles,
      units: user.units === '*' ? ['*'] : user.units,
    });
    sendJson(res, 200, { token, tokenType: 'Bearer', user });
  };

  return {
    handles: (path) => path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`),

    serve: async (req, res) => {
      const method = (req.method ?? 'GET').toUpperCase();
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/ops/auth/dev-login') {
        if (method !== 'POST')
          return apiError(res, 405, 'METHOD_NOT_ALLOWED', 'Chỉ dùng POST.', { allow: 'POST' });
        return devLogin(req, res);
      }
      if (method !== 'GET' && method !== 'HEAD') {
        req.resume();
        return apiError(res, 405, 'METHOD_NOT_ALLOWED', 'Bảng điều hành chỉ nhận GET.', {
          allow: 'GET, HEAD',
        });
      }
      req.resume();
      const head = method === 'HEAD';
      if (path === CONSOLE_PREFIX) {
        res.writeHead(308, { location: `${CONSOLE_PREFIX}/`, 'content-length': 0 });
        return void res.end();
      }
      if (path === '/ops/config.json') return sendJson(res, 200, { mode: 'dev' });
      if (path === '/ops/auth/dev-users') return sendJson(res, 200, { users });

      let relative: string;
      try {
        relative = decodeURIComponent(path.slice(CONSOLE_PREFIX.length + 1));
      } catch {
        return apiError(res, 400, 'BAD_PATH', 'Đường dẫn không hợp lệ.');
      }
      if (relative === '' || relative === 'index.html') return serveIndex(res, head);
      const ext = extname(relative).toLowerCase();
      if (ext === '') return serveIndex(res, head); // a client-side route: deep link
      const bytes = await file(relative);
      if (!bytes) {
        return send(
          res,
          404,
          { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
          'Không tìm thấy tệp.\n',
          head,
        );
      }
      const hashed = relative.startsWith('assets/');
      send(
        res,
        200,
        {
          'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
          // Vite names assets by content hash: safe to keep for a year.
          'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        },
        bytes,
        head,
      );
    },
  };
};
