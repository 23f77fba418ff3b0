import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CROCKFORD_ALPHABET,
  dammStep,
  encodePaperCode,
  formatPaperCode,
  PAPER_CODE_ERRORS,
  PaperCodeError,
  paperCodeCheckCharacter,
  parsePaperCode,
  readPaperCode,
} from '../../../shared/domain/index.ts';

const all = Array.from({ length: 32 }, (_, i) => i);
const bytes6 = fc.uint8Array({ minLength: 6, maxLength: 32 });

describe('the check character: Damm over x ∘ y = 2·x ⊕ y in GF(32)', () => {
  it('exhaustively: ∘ is a Latin square (every row and column a permutation) — catches every single substitution', () => {
    for (const x of all) {
      expect(new Set(all.map((y) => dammStep(x, y))).size).toBe(32);
      expect(new Set(all.map((y) => dammStep(y, x))).size).toBe(32);
    }
  });

  it('exhaustively: totally anti-symmetric, (c∘x)∘y ≠ (c∘y)∘x for all 32³ triples with x ≠ y — catches every adjacent transposition', () => {
    let checked = 0;
    for (const c of all)
      for (const x of all)
        for (const y of all) {
          if (x === y) continue;
          expect(dammStep(dammStep(c, x), y)).not.toBe(dammStep(dammStep(c, y), x));
          checked++;
        }
    expect(checked).toBe(32 * 32 * 31);
  });

  it('by hand: 000000001 → interim 1 → check 2·1 = 2; 000000010 → interim 2·1 ⊕ 0 = 2 → check 4; t⁵ wraps to t² + 1', () => {
    expect(paperCodeCheckCharacter('000000001')).toBe('2');
    expect(paperCodeCheckCharacter('000000010')).toBe('4');
    // data "G" (16 = t⁴): check = 2·16 = t⁵ = t² + 1 = 5
    expect(paperCodeCheckCharacter('G')).toBe('5');
    expect(() => paperCodeCheckCharacter('U')).toThrow(RangeError);
  });

  it('property: on real codes every single-character substitution and every adjacent transposition is refused as CHECK', () => {
    fc.assert(
      fc.property(bytes6, (bytes) => {
        const code = encodePaperCode(bytes);
        expect(parsePaperCode(code)).toEqual({ ok: true, code });
        for (let i = 0; i < code.length; i++) {
          for (const ch of CROCKFORD_ALPHABET) {
            if (ch === code[i]) continue;
            const typo = code.slice(0, i) + ch + code.slice(i + 1);
            expect(parsePaperCode(typo)).toEqual({ ok: false, reason: 'CHECK' });
          }
          if (i + 1 < code.length && code[i] !== code[i + 1]) {
            const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
            expect(parsePaperCode(swapped)).toEqual({ ok: false, reason: 'CHECK' });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodePaperCode', () => {
  it('takes the first 45 bits, most significant first, 5 bits a character', () => {
    expect(encodePaperCode(new Uint8Array(6))).toBe('0000000000');
    expect(encodePaperCode(new Uint8Array(6).fill(0xff)).slice(0, 9)).toBe('ZZZZZZZZZ');
    // 00001 repeated: 00001000 01000010 00010000 10000100 00100001 00001000
    expect(encodePaperCode(Uint8Array.from([0x08, 0x42, 0x10, 0x84, 0x21, 0x08])).slice(0, 9)).toBe(
      '111111111',
    );
    // bits after the 45th do not matter; the 45th does
    const base = Uint8Array.from([1, 2, 3, 4, 5, 0b00000000, 9, 9]);
    expect(encodePaperCode(Uint8Array.from([1, 2, 3, 4, 5, 0b00000111]))).toBe(encodePaperCode(base));
    expect(encodePaperCode(Uint8Array.from([1, 2, 3, 4, 5, 0b00001000]))).not.toBe(encodePaperCode(base));
  });

  it('property: 10 characters of the alphabet, deterministic, distinct bits give distinct codes', () => {
    fc.assert(
      fc.property(bytes6, bytes6, (a, b) => {
        const ca = encodePaperCode(a);
        expect(ca).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
        expect(encodePaperCode(Uint8Array.from(a))).toBe(ca);
        const sameBits =
          a.subarray(0, 5).every((v, i) => v === b[i]) && (a[5] as number) >> 3 === (b[5] as number) >> 3;
        expect(encodePaperCode(b) === ca).toBe(sameBits);
      }),
    );
  });

  it('refuses fewer than 6 bytes', () => {
    expect(() => encodePaperCode(new Uint8Array(5))).toThrow('need 6');
  });
});

describe('formatPaperCode / parsePaperCode', () => {
  it('groups for print and reads the printed form back', () => {
    const code = encodePaperCode(Uint8Array.from([200, 17, 3, 99, 250, 7]));
    const printed = formatPaperCode(code);
    expect(printed).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    expect(printed.replace(/-/g, '')).toBe(code);
    expect(formatPaperCode(printed)).toBe(printed);
    expect(parsePaperCode(printed)).toEqual({ ok: true, code });
  });

  it('normalises what people type: spaces, dashes, lower case, I/L → 1, O → 0', () => {
    expect(parsePaperCode('  0000-0000-12 ')).toEqual({ ok: true, code: '0000000012' });
    expect(parsePaperCode('oooo oooo l2')).toEqual({ ok: true, code: '0000000012' });
    expect(parsePaperCode('OOOO–OOOO–I2')).toEqual({ ok: true, code: '0000000012' });
    const code = encodePaperCode(Uint8Array.from([0x5a, 0xc3, 0x9e, 0x01, 0x77, 0xf0]));
    expect(parsePaperCode(code.toLowerCase())).toEqual({ ok: true, code });
  });

  it('says what is wrong: EMPTY, CHARACTER, LENGTH, CHECK', () => {
    expect(parsePaperCode('  - ')).toEqual({ ok: false, reason: 'EMPTY' });
    expect(parsePaperCode('0000-0000-U2')).toEqual({ ok: false, reason: 'CHARACTER' });
    expect(parsePaperCode('0000-0000-1#')).toEqual({ ok: false, reason: 'CHARACTER' });
    expect(parsePaperCode('0000-0000-1')).toEqual({ ok: false, reason: 'LENGTH' });
    expect(parsePaperCode('0000-0000-122')).toEqual({ ok: false, reason: 'LENGTH' });
    expect(parsePaperCode('0000-0000-13')).toEqual({ ok: false, reason: 'CHECK' });
  });

  it('readPaperCode throws PaperCodeError with the code and the Vietnamese message', () => {
    expect(readPaperCode('0000 0000 12')).toBe('0000000012');
    let caught: unknown;
    try {
      readPaperCode('0000-0000-13');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PaperCodeError);
    expect(caught).toMatchObject({
      code: 'PAPER_CODE_MISTYPED',
      reason: 'CHECK',
      message: 'Mã phiếu có ký tự sai: hãy kiểm tra lại từng ký tự.',
    });
    expect(Object.values(PAPER_CODE_ERRORS).map((e) => e.code)).toEqual([
      'PAPER_CODE_EMPTY',
      'PAPER_CODE_LENGTH',
      'PAPER_CODE_CHARACTER',
      'PAPER_CODE_MISTYPED',
    ]);
  });
});
