/** Request reading: headers, the raw body within its size limit, JSON bodies validated with zod. */
import type { z } from 'zod';
import { platformConfig } from '../config.ts';
import {
  MalformedJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.ts';
import { zodDetails } from '../validation.ts';
import type { HttpEvent } from './responses.ts';

export const DEFAULT_MAX_BODY = 256 * 1024;

export const lowerHeaders = (h: Record<string, string | undefined> | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
};

export const stringRecord = (h: Record<string, string | undefined> | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k] = v;
  return out;
};

/** The raw body; 413 above `limit` bytes. */
export const rawBodyOf = (event: HttpEvent, limit: number, hint?: string): Buffer => {
  const raw = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  if (raw.length > limit) throw new PayloadTooLargeError(limit, hint);
  return raw;
};

export const baseUrlOf = (event: HttpEvent, headers: Record<string, string>): string => {
  const configured = platformConfig().DIEUTRA_PUBLIC_BASE_URL;
  if (configured) return configured.replace(/\/$/, '');
  const proto = headers['x-forwarded-proto'] ?? 'https';
  return `${proto}://${event.requestContext.domainName}`;
};

export const parseJsonBody = <S extends z.ZodType>(
  raw: Buffer,
  headers: Record<string, string>,
  schema: S,
): z.output<S> => {
  const type = headers['content-type'] ?? '';
  if (raw.length > 0 && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError('Nội dung phải có Content-Type: application/json.');
  }
  let data: unknown;
  try {
    data = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MalformedJsonError();
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ValidationError('Dữ liệu gửi lên không hợp lệ.', zodDetails(parsed.error));
  return parsed.data;
};
