import { describe, expect, it } from 'vitest';
import { normalisePhone } from '../../../services/roster-intake/phone.ts';

describe('normalisePhone (data-rules rule 7)', () => {
  it.each([
    ['0912345678', '+84912345678'],
    ['091 234 5678', '+84912345678'],
    ['091.234.5678', '+84912345678'],
    ['(091) 234-5678', '+84912345678'],
    ['091\u00a0234\u202f5678', '+84912345678'],
    ['+84912345678', '+84912345678'],
    ['0084912345678', '+84912345678'],
    ['84912345678', '+84912345678'],
    ['912345678', '+84912345678'], // Excel dropped the zero
    ['352345678', '+84352345678'],
  ])('%s → %s (mobile)', (raw, e164) => {
    expect(normalisePhone(raw)).toEqual({ ok: true, e164, kind: 'mobile' });
  });

  it.each([
    ['01662345678', '+84362345678'],
    ['0169 234 5678', '+84392345678'],
    ['01202345678', '+84702345678'],
    ['01212345678', '+84792345678'],
    ['01232345678', '+84832345678'],
    ['01272345678', '+84812345678'],
    ['01862345678', '+84562345678'],
    ['01992345678', '+84592345678'],
    ['841662345678', '+84362345678'],
  ])('legacy %s → %s with a warning', (raw, e164) => {
    expect(normalisePhone(raw)).toEqual({
      ok: true,
      e164,
      kind: 'mobile',
      warning: 'PHONE_LEGACY_CONVERTED',
    });
  });

  it('accepts landlines (02 + 9 digits), restoring a dropped zero, with a warning', () => {
    expect(normalisePhone('02438253536')).toEqual({
      ok: true,
      e164: '+842438253536',
      kind: 'landline',
      warning: 'PHONE_LANDLINE',
    });
    expect(normalisePhone('2438253536')).toEqual({
      ok: true,
      e164: '+842438253536',
      kind: 'landline',
      warning: 'PHONE_LANDLINE',
    });
  });

  it.each([
    '',
    '0000000000',
    'không có',
    '12345',
    '09123456789',
    '0112345678',
    '01302345678',
    '091234567a',
    '+1 212 555 0100',
  ])('refuses %j', (raw) => {
    expect(normalisePhone(raw)).toEqual({ ok: false, code: 'INVALID_PHONE' });
  });
});
