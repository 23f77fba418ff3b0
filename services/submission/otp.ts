/**
 * One-time codes (issue 10 §5, seed 002: the form must be answered by the person themselves). When the
 * round requires it, a 6-digit code goes to the respondent's OWN phone from the roster before the form
 * opens; the verified code gives a short-lived proof that the submission must carry.
 *
 * - the code is stored only as a keyed hash, beside its expiry, tries and send count (submissions
 *   table, `OTP#tokenHash`); it is never logged, nor is the phone (the notifier logs a key hash only);
 * - limited in time (`ttlSeconds`), tries (`maxAttempts` wrong codes lock it for `lockSeconds`) and
 *   sends (`maxSends` per `sendWindowSeconds`);
 * - the proof is stateless: HMAC(server key, token hash ‖ expiry), valid `proofSeconds`.
 * The answer names the phone only by its last digits.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { decryptPii, type Keys } from '../../shared/platform/crypto.ts';
import {
  AppError,
  ConflictError,
  UnprocessableError,
  ValidationError,
} from '../../shared/platform/errors.ts';
import type { NotificationRenderer, Notifier } from '../../shared/platform/notify.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import { loadRound, type RoundsReader } from '../../shared/tables/rounds.ts';
import type { Assignment } from '../../shared/tables/samples.ts';
import type { OtpRecord, SubmissionsReader } from '../../shared/tables/submissions.ts';
import { type AssignmentDeps, resolveAssignment } from './assignment.ts';
import type { OtpStore } from './store.ts';

export const otpPolicySchema = z.strictObject({
  ttlSeconds: z.number().int().min(60).max(3600).default(600),
  maxAttempts: z.number().int().min(1).max(20).default(5),
  lockSeconds: z.number().int().min(60).max(86_400).default(900),
  maxSends: z.number().int().min(1).max(20).default(5),
  sendWindowSeconds: z.number().int().min(60).max(86_400).default(3600),
  proofSeconds: z.number().int().min(60).max(86_400).default(1800),
});
export type OtpPolicy = z.infer<typeof otpPolicySchema>;
export const DEFAULT_OTP_POLICY: OtpPolicy = otpPolicySchema.parse({});

export class OtpError extends AppError {}

const lockedError = (until: string) =>
  new OtpError(
    429,
    'OTP_LOCKED',
    `Đã nhập sai mã quá số lần cho phép. Hãy thử lại sau ${new Date(until).toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit' })}.`,
  );

/** 403 OTP_REQUIRED: the round asks for a verified one-time code before the form is accepted. */
export class OtpRequiredError extends AppError {
  constructor() {
    super(
      403,
      'OTP_REQUIRED',
      'Đợt khảo sát này yêu cầu xác nhận bằng mã gửi tới số điện thoại của bạn trước khi gửi phiếu.',
    );
  }
}

/** "•••• ••• 678": the last three digits only. */
export const maskPhone = (e164: string): string => `•••• ••• ${e164.replace(/\D/g, '').slice(-3)}`;

export const renderOtp: NotificationRenderer = (template, params) => {
  if (template !== 'otp') throw new Error(`unknown notification template ${template}`);
  return {
    subject: 'Mã xác nhận phiếu khảo sát',
    text: `Ma xac nhan phieu khao sat: ${params.code}. Hieu luc ${params.minutes} phut. Khong chia se ma nay cho ai.`,
  };
};

const codeHashOf = (keys: Keys, tokenHash: string, code: string): string =>
  createHmac('sha256', keys.token).update(`otp\u001f${tokenHash}\u001f${code}`).digest('hex');

const proofMac = (keys: Keys, tokenHash: string, exp: number): string =>
  createHmac('sha256', keys.token)
    .update(`otp-proof\u001f${tokenHash}\u001f${exp}`)
    .digest()
    .subarray(0, 18)
    .toString('base64url');

export const issueProof = (keys: Keys, tokenHash: string, until: Date): string => {
  const exp = Math.floor(until.getTime() / 1000);
  return `${exp}.${proofMac(keys, tokenHash, exp)}`;
};

/** True when `proof` was issued for this assignment and has not expired. */
export const proofValid = (keys: Keys, tokenHash: string, proof: unknown, now: Date): boolean => {
  if (typeof proof !== 'string') return false;
  const m = /^(\d{9,11})\.([A-Za-z0-9_-]{24})$/.exec(proof);
  if (!m) return false;
  const exp = Number(m[1]);
  if (exp * 1000 <= now.getTime()) return false;
  const expected = Buffer.from(proofMac(keys, tokenHash, exp));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given);
};

export interface OtpDeps extends AssignmentDeps {
  keys: () => Promise<Keys>;
  rounds: Pick<RoundsReader, 'get'>;
  respondents: Pick<RespondentsReader, 'getPersons'>;
  submissions: Pick<SubmissionsReader, 'getByTokenHash'>;
  otp: OtpStore;
  notifier: () => Notifier;
  now?: () => Date;
  policy?: OtpPolicy;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The assignment and checks shared by send and verify: the round requires codes, no form stored yet. */
const prepare = async (input: { token?: unknown; code?: unknown }, deps: OtpDeps): Promise<Assignment> => {
  const assignment = await resolveAssignment(input, deps);
  const round = await loadRound(assignment.roundId, deps.rounds);
  if (!round.settings.requireOtp) {
    throw new ConflictError('OTP_NOT_REQUIRED', 'Đợt khảo sát này không yêu cầu mã xác nhận; hãy mở phiếu.');
  }
  if (await deps.submissions.getByTokenHash(assignment.tokenHash)) {
    throw new ConflictError('ALREADY_SUBMITTED', 'Phiếu này đã được gửi; mỗi người chỉ trả lời một lần.');
  }
  return assignment;
};

/** POST /api/otp { token | code }: sends a new code to the roster's phone; `{ sentTo, expiresAt }`. */
export const sendOtp = async (
  input: { token?: unknown; code?: unknown },
  deps: OtpDeps,
): Promise<{ sentTo: string; expiresAt: string }> => {
  const policy = deps.policy ?? DEFAULT_OTP_POLICY;
  const assignment = await prepare(input, deps);
  const keys = await deps.keys();
  const [person] = await deps.respondents.getPersons(assignment.roundId, [assignment.personKey]);
  if (!person) {
    throw new UnprocessableError(
      'OTP_NO_PHONE',
      'Không có số điện thoại của bạn trong danh sách; không gửi được mã.',
    );
  }
  if (person.phoneKind !== 'mobile') {
    throw new UnprocessableError(
      'OTP_NO_MOBILE',
      'Số điện thoại trong danh sách là số cố định, không nhận được tin nhắn; hãy liên hệ đơn vị khảo sát.',
    );
  }
  const phone = decryptPii(keys, person.phoneEnc);
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = (deps.now?.() ?? new Date()).getTime();
    const current = await deps.otp.get(assignment.tokenHash);
    if (current?.lockedUntil && Date.parse(current.lockedUntil) > now) throw lockedError(current.lockedUntil);
    const sameWindow = current && now - Date.parse(current.windowStart) < policy.sendWindowSeconds * 1000;
    const sends = sameWindow ? current.sends : 0;
    if (sends >= policy.maxSends) {
      throw new OtpError(
        429,
        'OTP_SEND_LIMIT',
        `Đã gửi mã ${sends} lần; hãy dùng mã đã nhận hoặc thử lại sau ${Math.round(policy.sendWindowSeconds / 60)} phút.`,
      );
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const version = (current?.version ?? 0) + 1;
    const record: OtpRecord = {
      tokenHash: assignment.tokenHash,
      roundId: assignment.roundId,
      codeHash: codeHashOf(keys, assignment.tokenHash, code),
      expiresAt: iso(now + policy.ttlSeconds * 1000),
      attempts: 0,
      sends: sends + 1,
      windowStart: sameWindow ? current.windowStart : iso(now),
      version,
    };
    if (!(await deps.otp.put(record, current?.version ?? null))) continue; // a concurrent send won
    await deps.notifier().send({
      channel: 'sms',
      to: phone,
      template: 'otp',
      params: { code, minutes: String(Math.round(policy.ttlSeconds / 60)) },
      idempotencyKey: `otp:${assignment.tokenHash}:${version}`,
    });
    return { sentTo: maskPhone(phone), expiresAt: record.expiresAt };
  }
  throw new ConflictError('CONCURRENT_CHANGE', 'Mã đang được gửi; hãy chờ tin nhắn.');
};

/**
 * POST /api/otp/verify { token | code, otp } → `{ proof, expiresAt }`. Wrong: 400 OTP_INVALID (tries
 * left in the message); the last allowed wrong try and every try while locked: 429 OTP_LOCKED; expired
 * or already used: 400 OTP_EXPIRED; never sent: 400 OTP_NOT_SENT.
 */
export const verifyOtp = async (
  input: { token?: unknown; code?: unknown; otp?: unknown },
  deps: OtpDeps,
): Promise<{ proof: string; expiresAt: string }> => {
  const policy = deps.policy ?? DEFAULT_OTP_POLICY;
  const typed = typeof input.otp === 'string' ? input.otp.replace(/\s/g, '') : input.otp;
  if (typeof typed !== 'string' || !/^\d{6}$/.test(typed)) {
    throw new ValidationError(
      'Mã xác nhận gồm đúng 6 chữ số.',
      [{ path: 'otp', code: 'OTP_INVALID', message: 'Mã xác nhận gồm đúng 6 chữ số.' }],
      'OTP_INVALID',
    );
  }
  const assignment = await prepare(input, deps);
  const keys = await deps.keys();
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = (deps.now?.() ?? new Date()).getTime();
    const current = await deps.otp.get(assignment.tokenHash);
    if (!current)
      throw new ValidationError('Chưa gửi mã xác nhận; hãy bấm "Gửi mã".', undefined, 'OTP_NOT_SENT');
    if (current.lockedUntil && Date.parse(current.lockedUntil) > now) throw lockedError(current.lockedUntil);
    if (!current.codeHash || Date.parse(current.expiresAt) <= now) {
      throw new ValidationError(
        'Mã xác nhận đã hết hạn hoặc đã được dùng; hãy gửi mã mới.',
        undefined,
        'OTP_EXPIRED',
      );
    }
    const expected = Buffer.from(current.codeHash, 'hex');
    const given = Buffer.from(codeHashOf(keys, assignment.tokenHash, typed), 'hex');
    const right = expected.length === given.length && timingSafeEqual(expected, given);
    const version = current.version + 1;
    if (right) {
      const { codeHash: _used, ...rest } = current;
      if (!(await deps.otp.put({ ...rest, attempts: 0, version }, current.version))) continue;
      const until = new Date(now + policy.proofSeconds * 1000);
      return { proof: issueProof(keys, assignment.tokenHash, until), expiresAt: until.toISOString() };
    }
    const attempts = current.attempts + 1;
    if (attempts >= policy.maxAttempts) {
      const { codeHash: _burnt, ...rest } = current;
      const lockedUntil = iso(now + policy.lockSeconds * 1000);
      if (!(await deps.otp.put({ ...rest, attempts, lockedUntil, version }, current.version))) continue;
      throw lockedError(lockedUntil);
    }
    if (!(await deps.otp.put({ ...current, attempts, version }, current.version))) continue;
    const left = policy.maxAttempts - attempts;
    throw new ValidationError(
      `Mã xác nhận không đúng; còn ${left} lần thử.`,
      [{ path: 'otp', code: 'OTP_INVALID', message: `Mã không đúng; còn ${left} lần thử.` }],
      'OTP_INVALID',
    );
  }
  throw new ConflictError('CONCURRENT_CHANGE', 'Có nhiều lần nhập mã cùng lúc; hãy thử lại.');
};
