/**
 * One-time codes over HTTP on the local runtime (round.settings.requireOtp): the code goes to the
 * roster's own phone (the local outbox folder), the answer names it by its last digits only; wrong
 * code, lockout, expiry; the proof a submission needs; the no-JavaScript form steps.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../shared/platform/crypto.ts';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api } from './support/api.ts';
import {
  answersAll,
  documentClient,
  drawnRound,
  type Form,
  outboxFor,
  scaleIds,
  submit,
} from './support/survey.ts';

const sendOtp = (body: unknown) => api('POST', '/api/otp', { token: null, body });
const verifyOtp = (body: unknown) => api('POST', '/api/otp/verify', { token: null, body });
const formPost = (path: string, fields: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) params.append(k, one);
  return api('POST', path, {
    token: null,
    raw: params.toString(),
    type: 'application/x-www-form-urlencoded',
  });
};

/** The last code sent to `phone` (read from the outbox, as a phone would show it). */
const lastCode = async (phone: string): Promise<string> => {
  const messages = await outboxFor(phone);
  expect(messages.length).toBeGreaterThan(0);
  const code = messages.at(-1)!.params.code!;
  expect(code).toMatch(/^\d{6}$/);
  return code;
};

const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('one-time code before the form opens', () => {
  let forms: Form[] = [];
  let landline: Form | undefined;

  beforeAll(async () => {
    ({ forms } = await drawnRound({
      prefix: 'otp',
      people: { U1: 7, U2: 1 },
      landline: 'U2',
      settings: { requireOtp: true },
    }));
    landline = forms.find((f) => f.unitCode === 'U2');
    forms = forms.filter((f) => f.unitCode === 'U1');
  });

  it('the form page asks for the code first; a submission without a proof is 403 OTP_REQUIRED', async () => {
    const f = forms[0]!;
    const page = await api('GET', `/f/${f.token}`, { token: null });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="/f/${f.token}/otp"`);
    expect(page.text).toContain('Gửi mã xác nhận');
    expect(page.text).not.toContain('id="survey"');
    const res = await submit({ token: f.token, answers: answersAll(4) });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('OTP_REQUIRED');
    const forged = await submit({
      token: f.token,
      answers: answersAll(4),
      otpProof: '9999999999.AAAAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(forged.json.error.code).toBe('OTP_REQUIRED');
  });

  it('sends a 6-digit code to the roster phone, says only its last digits, stores it hashed; verify → proof → 201', async () => {
    const f = forms[0]!;
    const sent = await sendOtp({ token: f.token });
    expect(sent.status).toBe(200);
    expect(sent.json.sentTo).toBe(`•••• ••• ${f.phone.slice(-3)}`);
    expect(sent.text).not.toContain(f.phone.slice(-7));
    const messages = await outboxFor(f.phone);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain(messages[0]!.params.code);
    const code = await lastCode(f.phone);
    // Stored as a keyed hash only: the table holds neither the code nor the phone.
    const item = await documentClient().send(
      new GetCommand({
        TableName: process.env[tableEnvVar('submissions')],
        Key: { pk: `OTP#${hashToken(f.token)}`, sk: 'OTP' },
      }),
    );
    expect(JSON.stringify(item.Item)).not.toContain(code);
    expect(JSON.stringify(item.Item)).not.toContain(f.phone.slice(-7));
    expect(item.Item?.codeHash).toMatch(/^[0-9a-f]{64}$/);

    const bad = await verifyOtp({ token: f.token, otp: wrong(code) });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('OTP_INVALID');
    expect(bad.json.error.message).toContain('còn 4 lần');
    const malformed = await verifyOtp({ token: f.token, otp: '12a' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('OTP_INVALID');
    const ok = await verifyOtp({ token: f.token, otp: code });
    expect(ok.status).toBe(200);
    expect(typeof ok.json.proof).toBe('string');
    // A used code does not give a second proof.
    const reused = await verifyOtp({ token: f.token, otp: code });
    expect(reused.status).toBe(400);
    expect(reused.json.error.code).toBe('OTP_EXPIRED');
    // The proof is bound to its form: another token cannot use it.
    const elsewhere = await submit({
      token: forms[1]!.token,
      answers: answersAll(4),
      otpProof: ok.json.proof,
    });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json.error.code).toBe('OTP_REQUIRED');
    const done = await submit({ token: f.token, answers: answersAll(4), otpProof: ok.json.proof });
    expect(done.status).toBe(201);
    const after = await sendOtp({ token: f.token });
    expect(after.status).toBe(409);
    expect(after.json.error.code).toBe('ALREADY_SUBMITTED');
  });

  it('locks after 5 wrong codes: 429 OTP_LOCKED even for the right code, and no new code is sent', async () => {
    const f = forms[2]!;
    expect((await sendOtp({ token: f.token })).status).toBe(200);
    const code = await lastCode(f.phone);
    for (let i = 1; i <= 4; i++) {
      const r = await verifyOtp({ token: f.token, otp: wrong(code) });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('OTP_INVALID');
      expect(r.json.error.message).toContain(`còn ${5 - i} lần`);
    }
    const fifth = await verifyOtp({ token: f.token, otp: wrong(code) });
    expect(fifth.status).toBe(429);
    expect(fifth.json.error.code).toBe('OTP_LOCKED');
    const right = await verifyOtp({ token: f.token, otp: code });
    expect(right.status).toBe(429);
    expect(right.json.error.code).toBe('OTP_LOCKED');
    const resend = await sendOtp({ token: f.token });
    expect(resend.status).toBe(429);
    expect(resend.json.error.code).toBe('OTP_LOCKED');
    expect(await outboxFor(f.phone)).toHaveLength(1);
  });

  it('an expired code is refused 400 OTP_EXPIRED; a new code works', async () => {
    const f = forms[3]!;
    expect((await sendOtp({ token: f.token })).status).toBe(200);
    const code = await lastCode(f.phone);
    // Age the stored code past its 10 minutes (the clock of the service is real).
    await documentClient().send(
      new UpdateCommand({
        TableName: process.env[tableEnvVar('submissions')],
        Key: { pk: `OTP#${hashToken(f.token)}`, sk: 'OTP' },
        UpdateExpression: 'SET expiresAt = :e',
        ExpressionAttributeValues: { ':e': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const late = await verifyOtp({ token: f.token, otp: code });
    expect(late.status).toBe(400);
    expect(late.json.error.code).toBe('OTP_EXPIRED');
    expect((await sendOtp({ token: f.token })).status).toBe(200);
    const fresh = await lastCode(f.phone);
    expect(await outboxFor(f.phone)).toHaveLength(2);
    expect((await verifyOtp({ token: f.token, otp: fresh })).status).toBe(200);
  });

  it('works by paper code too: { code } to send and verify, { code, answers, otpProof } to submit', async () => {
    const f = forms[4]!;
    const sent = await sendOtp({ code: f.code });
    expect(sent.status).toBe(200);
    expect(sent.json.sentTo).toBe(`•••• ••• ${f.phone.slice(-3)}`);
    const ok = await verifyOtp({ code: f.code, otp: await lastCode(f.phone) });
    expect(ok.status).toBe(200);
    const res = await submit({ code: f.code, answers: answersAll(3), otpProof: ok.json.proof });
    expect(res.status).toBe(201);
  });

  it('without JavaScript: send, a wrong code, the right code → the form with its proof → 201', async () => {
    const f = forms[5]!;
    const step1 = await formPost(`/f/${f.token}/otp`, {});
    expect(step1.status).toBe(200);
    expect(step1.text).toContain(`•••• ••• ${f.phone.slice(-3)}`);
    expect(step1.text).toContain(`action="/f/${f.token}/otp/verify"`);
    const code = await lastCode(f.phone);
    const wrongStep = await formPost(`/f/${f.token}/otp/verify`, { otp: wrong(code) });
    expect(wrongStep.status).toBe(400);
    expect(wrongStep.headers.get('x-error-code')).toBe('OTP_INVALID');
    expect(wrongStep.text).toContain('aria-invalid="true"');
    const step2 = await formPost(`/f/${f.token}/otp/verify`, { otp: code });
    expect(step2.status).toBe(200);
    expect(step2.text).toContain('id="survey"');
    const proof = /name="otpProof" value="([^"]+)"/.exec(step2.text)?.[1];
    expect(proof).toBeDefined();
    const openedAt = /name="openedAt" value="([^"]+)"/.exec(step2.text)?.[1];
    expect(openedAt).toBeDefined();
    const answers = answersAll(5);
    const fields: Record<string, string | string[]> = { otpProof: proof!, openedAt: openedAt! };
    for (const [k, v] of Object.entries(answers)) fields[k] = Array.isArray(v) ? v.map(String) : String(v);
    // Without the proof the post gets the code step again, 403.
    const { otpProof: _p, ...noProof } = fields;
    const refused = await formPost(`/f/${f.token}`, noProof);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-error-code')).toBe('OTP_REQUIRED');
    // An invalid answer re-renders the form and keeps the proof.
    const invalid = await formPost(`/f/${f.token}`, { ...fields, [scaleIds[0]!]: '9' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain(`name="otpProof" value="${proof}"`);
    const done = await formPost(`/f/${f.token}`, fields);
    expect(done.status).toBe(201);
    expect(done.text).toContain('Mã biên nhận');
  });

  it('a landline cannot receive a code (422 OTP_NO_MOBILE); send limits and a round without OTP', async () => {
    const res = await sendOtp({ token: landline!.token });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('OTP_NO_MOBILE');
    // At most 5 codes per hour to one phone.
    const f = forms[6]!;
    for (let i = 0; i < 5; i++) expect((await sendOtp({ token: f.token })).status).toBe(200);
    const sixth = await sendOtp({ token: f.token });
    expect(sixth.status).toBe(429);
    expect(sixth.json.error.code).toBe('OTP_SEND_LIMIT');
    expect(await outboxFor(f.phone)).toHaveLength(5);
    const missing = await sendOtp({});
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe('INVALID_TOKEN');
  });
});

describe('a round without OTP', () => {
  it('answers 409 OTP_NOT_REQUIRED and the form opens directly', async () => {
    const { forms } = await drawnRound({ prefix: 'no-otp', people: { U1: 1 } });
    const res = await sendOtp({ token: forms[0]!.token });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('OTP_NOT_REQUIRED');
    const page = await api('GET', `/f/${forms[0]!.token}`, { token: null });
    expect(page.text).toContain('id="survey"');
  });
});
