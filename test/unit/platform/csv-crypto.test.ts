import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  decryptPii,
  encryptPii,
  formToken,
  hashToken,
  keysFromSecret,
  personKeyOf,
} from '../../../shared/platform/crypto.ts';
import { toCsv } from '../../../shared/platform/csv.ts';
import { escapeHtml, slugify } from '../../../shared/platform/text.ts';

const k = keysFromSecret('a-test-secret-of-enough-length');

describe('crypto', () => {
  it('round-trips personal data with AES-GCM and never stores it in clear', () => {
    const sealed = encryptPii(k, 'Nguyễn Thị Lân');
    expect(sealed).not.toContain('Nguy');
    expect(encryptPii(k, 'Nguyễn Thị Lân')).not.toBe(sealed); // random IV
    expect(decryptPii(k, sealed)).toBe('Nguyễn Thị Lân');
  });

  it('refuses tampered ciphertext and another key', () => {
    const sealed = encryptPii(k, '+84912345678');
    const [version, payload] = sealed.split('.');
    const raw = Buffer.from(payload!, 'base64url');
    // Flip one bit of every region in turn: IV, tag, ciphertext — each must be refused.
    for (const at of [0, 12, 28, raw.length - 1]) {
      const bent = Buffer.from(raw);
      bent[at]! ^= 0x01;
      expect(() => decryptPii(k, `${version}.${bent.toString('base64url')}`)).toThrow();
    }
    expect(() => decryptPii(keysFromSecret('another-secret-of-enough-length'), sealed)).toThrow();
  });

  it('derives stable 22-character tokens per assignment; only the hash is stored', () => {
    const t = formToken(k, 'smp|U1|F1|p1');
    expect(t).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(formToken(k, 'smp|U1|F1|p1')).toBe(t);
    expect(formToken(k, 'smp|U1|F1|p2')).not.toBe(t);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toContain(t);
  });

  it('person keys: same lower-cased name and phone → same person; diacritics matter', () => {
    expect(personKeyOf(k, 'Lê Thị Lan', '+84912345678')).toBe(personKeyOf(k, 'LÊ THỊ LAN', '+84912345678'));
    expect(personKeyOf(k, 'Lê Thị Lan', '+84912345678')).not.toBe(
      personKeyOf(k, 'Lê Thị Lân', '+84912345678'),
    );
    expect(personKeyOf(k, 'Lê Thị Lan', '+84912345678')).not.toBe(
      personKeyOf(k, 'Lê Văn Nam', '+84912345678'),
    );
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('csv export (rule 14)', () => {
  it('neutralises formula starts, quotes what needs quoting, exempts safe cells', () => {
    const out = toCsv(
      ['a', 'b'],
      [
        ['=HYPERLINK("x")', '+84912345678'],
        ['-1', '@SUM(A1)'],
        ['\tx', 'a,b'],
        [{ safe: '+84912345678' }, 7],
      ],
    );
    expect(out).toBe(
      '\ufeffa,b\r\n"\'=HYPERLINK(""x"")",\'+84912345678\r\n\'-1,\'@SUM(A1)\r\n\'\tx,"a,b"\r\n+84912345678,7\r\n',
    );
  });
});

describe('text', () => {
  it('slugifies Vietnamese and escapes HTML', () => {
    expect(slugify('Tư pháp – Hộ tịch')).toBe('tu-phap-ho-tich');
    expect(escapeHtml('<script>"x"&\'')).toBe('&#60;script&#62;&#34;x&#34;&#38;&#39;');
  });
});
