/**
 * Keys and tokens. One server secret (Secrets Manager in AWS, DIEUTRA_SECRET locally) is
 * expanded with HKDF into independent keys:
 *  - form tokens: HMAC(tokenKey, assignment) — re-derivable, so lists re-export identically;
 *    only SHA-256(token) is ever stored, so a database leak reveals no usable token;
 *  - person keys: HMAC(personKey, normalised name ‖ phone) — stable identity without storing
 *    a guessable hash of a phone number;
 *  - PII encryption: AES-256-GCM for names and phone numbers at rest;
 *  - phone blind index: HMAC(phoneIndexKey, E.164 phone) — finds every person sharing a phone (or
 *    a staff phone) without storing the phone or a guessable unkeyed hash of it.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, platformConfig } from './config.ts';

export interface Keys {
  token: Buffer;
  person: Buffer;
  pii: Buffer;
  phoneIndex: Buffer;
}

let keysPromise: Promise<Keys> | undefined;

const derive = (secret: string, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `dieutra:${info}`, 32));

export const keysFromSecret = (secret: string): Keys => ({
  token: derive(secret, 'form-token'),
  person: derive(secret, 'person-key'),
  pii: derive(secret, 'pii-aes-gcm'),
  phoneIndex: derive(secret, 'phone-blind-index'),
});

const loadSecret = async (): Promise<string> => {
  const cfg = platformConfig();
  if (cfg.DIEUTRA_SECRET) return cfg.DIEUTRA_SECRET;
  if (!cfg.DIEUTRA_SECRET_ARN) throw new ConfigError('Neither DIEUTRA_SECRET nor DIEUTRA_SECRET_ARN is set');
  const client = new SecretsManagerClient({ region: cfg.AWS_REGION });
  const out = await client.send(new GetSecretValueCommand({ SecretId: cfg.DIEUTRA_SECRET_ARN }));
  if (!out.SecretString) throw new ConfigError('The dieutra secret has no string value');
  return out.SecretString;
};

/** The derived keys, loaded once per container. */
export const keys = (): Promise<Keys> => {
  keysPromise ??= loadSecret().then(keysFromSecret);
  return keysPromise;
};

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Form token for one assignment: 128 bits of HMAC, base64url (22 characters). */
export const formToken = (k: Keys, assignment: string): string =>
  createHmac('sha256', k.token).update(assignment).digest().subarray(0, 16).toString('base64url');

export const hashToken = (token: string): string => sha256Hex(`form-token:${token}`);

/**
 * The bytes a paper code is made of (shared/domain/paper-code.ts takes its first 45 bits): HMAC of the
 * same assignment string as the form token, under another label, so a code reveals neither the token
 * nor the person and lists re-export identically.
 */
export const paperCodeBytes = (k: Keys, assignment: string): Buffer =>
  createHmac('sha256', k.token).update(`paper-code\u001f${assignment}`).digest();

/**
 * How a paper code is stored: a keyed hash (a code has only 45 bits, so a plain hash of a leaked table
 * could be brute-forced offline; without the server key it cannot).
 */
export const hashPaperCode = (k: Keys, code: string): string =>
  createHmac('sha256', k.token).update(`paper-code-hash\u001f${code}`).digest('hex');

export const personKeyOf = (k: Keys, normalisedName: string, phoneE164: string): string =>
  createHmac('sha256', k.person)
    .update(`${normalisedName.toLocaleLowerCase('vi')}\u001f${phoneE164}`)
    .digest('hex')
    .slice(0, 32);

/** Keyed blind index of a normalised (E.164) phone: 128 bits of HMAC, hex (32 characters). */
export const phoneBlindIndex = (k: Keys, phoneE164: string): string =>
  createHmac('sha256', k.phoneIndex).update(phoneE164).digest('hex').slice(0, 32);

const PII_VERSION = 'v1';

export const encryptPii = (k: Keys, plaintext: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k.pii, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PII_VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
};

export const decryptPii = (k: Keys, sealed: string): string => {
  const [version, payload] = sealed.split('.', 2);
  if (version !== PII_VERSION || !payload) throw new Error('Unknown PII envelope');
  const raw = Buffer.from(payload, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', k.pii, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
};

/** Canonical JSON (sorted keys) so that equal bodies hash equally. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};
