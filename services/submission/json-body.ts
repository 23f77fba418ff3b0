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
): { token: string; body: unknown } => {
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError('Nội dung phải có Content-Type: application/json.');
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedJsonError();
  }
  const token =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>).token
      : undefined;
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(token)) {
    throw new ValidationError(
      'Thiếu mã phiếu (token) hoặc mã không hợp lệ.',
      [{ path: 'token', code: 'INVALID_TOKEN', message: 'Mã phiếu phải là chuỗi 16–64 ký tự.' }],
      'INVALID_TOKEN',
    );
  }
  return { token, body };
};
