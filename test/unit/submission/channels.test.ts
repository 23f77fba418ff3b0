/** The pure parts of the submission channels: OTP proofs and masking, integrity facts, blind views. */
import { describe, expect, it } from 'vitest';
import { clientHashOf, submissionFacts } from '../../../services/submission/integrity.ts';
import { issueProof, maskPhone, proofValid, renderOtp } from '../../../services/submission/otp.ts';
import { paperFormView } from '../../../services/submission/paper-entry.ts';
import type { Principal } from '../../../shared/platform/auth.ts';
import { keysFromSecret } from '../../../shared/platform/crypto.ts';
import type { PaperFormRecord } from '../../../shared/tables/submissions.ts';

const keys = keysFromSecret('unit-test-secret');
const now = new Date('2026-12-01T10:00:00Z');

describe('OTP proof', () => {
  it('is valid for its token hash until it expires, and for nothing else', () => {
    const proof = issueProof(keys, 'hash-a', new Date(now.getTime() + 60_000));
    expect(proofValid(keys, 'hash-a', proof, now)).toBe(true);
    expect(proofValid(keys, 'hash-b', proof, now)).toBe(false);
    expect(proofValid(keys, 'hash-a', proof, new Date(now.getTime() + 60_000))).toBe(false);
    expect(proofValid(keysFromSecret('other'), 'hash-a', proof, now)).toBe(false);
    // A later expiry with the old MAC does not verify.
    const [exp, mac] = proof.split('.');
    expect(proofValid(keys, 'hash-a', `${Number(exp) + 3600}.${mac}`, now)).toBe(false);
    expect(proofValid(keys, 'hash-a', undefined, now)).toBe(false);
    expect(proofValid(keys, 'hash-a', 'garbage', now)).toBe(false);
  });

  it('names the phone by its last three digits; the SMS carries the code', () => {
    expect(maskPhone('+84912345678')).toBe('•••• ••• 678');
    expect(renderOtp('otp', { code: '012345', minutes: '10' }).text).toContain('012345');
  });
});

describe('integrity facts', () => {
  it('keeps a well-formed openedAt with the duration, ignores a malformed one', () => {
    expect(submissionFacts({ openedAt: '2026-12-01T09:59:30Z', submittedAt: now, clientHash: 'c' })).toEqual({
      openedAt: '2026-12-01T09:59:30.000Z',
      durationSeconds: 30,
      clientHash: 'c',
    });
    for (const bad of ['yesterday', 12, '2026-13-45T99:00:00Z', { x: 1 }]) {
      expect(submissionFacts({ openedAt: bad, submittedAt: now, clientHash: undefined })).toEqual({});
    }
  });

  it('hashes the client per round, never the same across rounds', () => {
    const client = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0' };
    const a = clientHashOf(keys, 'r1', client);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(clientHashOf(keys, 'r1', client)).toBe(a);
    expect(clientHashOf(keys, 'r2', client)).not.toBe(a);
    expect(clientHashOf(keys, 'r1', { ...client, userAgent: 'other' })).not.toBe(a);
    expect(clientHashOf(keys, 'r1', {})).toBeUndefined();
  });
});

describe('paper form view', () => {
  const form: PaperFormRecord = {
    formId: 'ppr_1',
    tokenHash: 'th',
    roundId: 'r',
    sampleId: 's',
    unitCode: 'U1',
    fieldCode: 'F1',
    templateId: 't',
    status: 'mismatch',
    doubleEntry: true,
    first: { by: 'a', at: '2026-12-01T09:00:00.000Z', answers: { q1: 4 } },
    second: { by: 'b', at: '2026-12-01T09:05:00.000Z', answers: { q1: 2 } },
    mismatches: [{ questionId: 'q1', first: 4, second: 2 }],
    trail: [
      { at: '2026-12-01T09:00:00.000Z', by: 'a', action: 'RESOLVED', questionId: 'q1', before: 4, after: 2 },
    ],
    version: 2,
  };
  const operator: Principal = { sub: 'b', roles: ['operator'], units: ['U1'] };
  const admin: Principal = { sub: 'sup', roles: ['admin'], units: '*' };

  it('shows keyed values to a supervisor only', () => {
    const blind = JSON.stringify(paperFormView(form, operator));
    expect(blind).not.toContain('"first":4');
    expect(blind).not.toContain('"before"');
    expect(blind).not.toContain('answers');
    const full = paperFormView(form, admin);
    expect(full.mismatches).toEqual([{ questionId: 'q1', first: 4, second: 2 }]);
    expect(JSON.stringify(full)).not.toContain('answers');
    expect(JSON.stringify(full)).not.toContain('"th"');
  });
});
