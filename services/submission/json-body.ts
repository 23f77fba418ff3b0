/**
 * The JSON submission body read by hand, not by a zod schema: `checkSubmission` must see the raw
 * `JSON.parse` result (a zod record drops `__proto__` silently instead of refusing it).
 */
import {
  MalformedJsonError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../shared/platform/errors.ts';

export const parseSubmissionBody = (
  rawBody: Buffer,
  contentType: string,
): { token?: string; code?: string; body: unknown } => {
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError('Nội dung phải có Content-Type: application/json.');
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedJsonError();
  }
  const record =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const token = record.token;
  // A paper letter's code instead of the link's token (checked, before any lookup, by resolvePaperCode).
  if (token === undefined && typeof record.code === 'string') return { code: record.code, body };
  if (token !== undefined && record.code !== undefined) {
    throw new ValidationError(
      'Chỉ gửi một trong hai: mã liên kết (token) hoặc mã phiếu giấy (code).',
      [{ path: 'code', code: 'INVALID_TOKEN', message: 'Cần đúng một trong hai trường token hoặc code.' }],
      'INVALID_TOKEN',
    );
  }
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(token)) {
    throw new ValidationError(
      'Thiếu mã phiếu (token) hoặc mã không hợp lệ.',
      [{ path: 'token', code: 'INVALID_TOKEN', message: 'Mã phiếu phải là chuỗi 16–64 ký tự.' }],
      'INVALID_TOKEN',
    );
  }
  return { token, body };
};
