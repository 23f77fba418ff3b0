/**
 * Paper codes (issue 9 "Codes"): the short code printed on a paper form that a respondent types
 * instead of following the link. 10 Crockford base32 characters — 9 carry 45 bits taken from bytes
 * the caller supplies (the service passes an HMAC of the assignment, so a code reveals nobody), the
 * 10th is a check character, so a mistyped code is refused before any lookup.
 *
 * The check is Damm's algorithm over a totally anti-symmetric quasigroup of order 32:
 *   x ∘ y = 2·x ⊕ y   in GF(32) = GF(2)[t]/(t⁵ + t² + 1)
 * Each row and column of ∘ is a permutation (a Latin square), so any single substituted character
 * changes the result; (c ∘ x) ∘ y = (c ∘ y) ∘ x ⇔ 2·(2 − 1)·(x ⊕ y) = 0 ⇔ x = y, so any swap of two
 * different neighbours changes it too. The check character c makes the whole code reduce to 0
 * (c = 2·interim). The tests verify both properties exhaustively on the table.
 */
import { DomainError } from './errors.ts';

/** Crockford's base32: no I, L, O (read as 1, 1, 0) and no U. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAPER_CODE_DATA_LENGTH = 9;
export const PAPER_CODE_LENGTH = PAPER_CODE_DATA_LENGTH + 1;

const VALUE = new Map<string, number>([...CROCKFORD_ALPHABET].map((ch, i) => [ch, i]));
const ALIASES: Record<string, string> = { I: '1', L: '1', O: '0' };

/** 2·x in GF(32) modulo t⁵ + t² + 1 (0b100101). */
const times2 = (x: number): number => ((x << 1) & 0b11111) ^ (x & 0b10000 ? 0b00101 : 0);

/** The quasigroup operation of the check (exported for the tests that prove its properties). */
export const dammStep = (interim: number, digit: number): number => times2(interim) ^ digit;

const reduce = (values: readonly number[]): number => values.reduce(dammStep, 0);

/** The check character for data characters (already in the alphabet). */
export const paperCodeCheckCharacter = (data: string): string => {
  const values = [...data].map((ch) => {
    const v = VALUE.get(ch);
    if (v === undefined) throw new RangeError(`"${ch}" is not a Crockford base32 character`);
    return v;
  });
  return CROCKFORD_ALPHABET[times2(reduce(values))] as string;
};

/**
 * The code for `bytes` (at least 6): the first 45 bits, most significant first, as 9 characters,
 * then the check character. Same bytes ⇒ same code, so lists re-export identically.
 */
export function encodePaperCode(bytes: Uint8Array): string {
  if (bytes.length < 6) throw new RangeError(`a paper code needs 45 bits: got ${bytes.length} bytes, need 6`);
  let data = '';
  for (let c = 0; c < PAPER_CODE_DATA_LENGTH; c++) {
    let v = 0;
    for (let b = c * 5; b < c * 5 + 5; b++) v = (v << 1) | (((bytes[b >> 3] as number) >> (7 - (b & 7))) & 1);
    data += CROCKFORD_ALPHABET[v];
  }
  return data + paperCodeCheckCharacter(data);
}

/** For print: 'ABCD-EFGH-JK'. Accepts a code with or without its hyphens. */
export const formatPaperCode = (code: string): string => {
  const c = code.replace(/-/g, '');
  return `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8)}`;
};

export type PaperCodeProblem = 'EMPTY' | 'LENGTH' | 'CHARACTER' | 'CHECK';

/** The machine-readable code and the Vietnamese message for each way a typed code can be wrong. */
export const PAPER_CODE_ERRORS: Record<PaperCodeProblem, { code: string; message: string }> = {
  EMPTY: { code: 'PAPER_CODE_EMPTY', message: 'Chưa nhập mã phiếu: hãy nhập mã in trên phiếu giấy.' },
  LENGTH: {
    code: 'PAPER_CODE_LENGTH',
    message: `Mã phiếu phải có đúng ${PAPER_CODE_LENGTH} ký tự (không kể dấu cách và dấu gạch ngang).`,
  },
  CHARACTER: {
    code: 'PAPER_CODE_CHARACTER',
    message: 'Mã phiếu chỉ gồm chữ số 0–9 và chữ cái A–Z (không có chữ U): hãy kiểm tra lại.',
  },
  CHECK: { code: 'PAPER_CODE_MISTYPED', message: 'Mã phiếu có ký tự sai: hãy kiểm tra lại từng ký tự.' },
};

export type ParsedPaperCode = { ok: true; code: string } | { ok: false; reason: PaperCodeProblem };

/**
 * Reads a typed code: trims, upper-cases, drops spaces and hyphens (any dash), reads I and L as 1 and
 * O as 0 (Crockford), then checks length, alphabet and the check character. `code` is the canonical
 * 10-character form (what the service hashes and looks up).
 */
export function parsePaperCode(input: string): ParsedPaperCode {
  const normalised = input
    .trim()
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212]/g, '')
    .replace(/[ILO]/g, (ch) => ALIASES[ch] as string);
  if (normalised.length === 0) return { ok: false, reason: 'EMPTY' };
  const values: number[] = [];
  for (const ch of normalised) {
    const v = VALUE.get(ch);
    if (v === undefined) return { ok: false, reason: 'CHARACTER' };
    values.push(v);
  }
  if (values.length !== PAPER_CODE_LENGTH) return { ok: false, reason: 'LENGTH' };
  if (reduce(values) !== 0) return { ok: false, reason: 'CHECK' };
  return { ok: true, code: normalised };
}

/** A typed paper code that cannot be right; `code` is one of PAPER_CODE_ERRORS' codes. */
export class PaperCodeError extends DomainError {
  readonly code: string;
  constructor(readonly reason: PaperCodeProblem) {
    super(PAPER_CODE_ERRORS[reason].message);
    this.code = PAPER_CODE_ERRORS[reason].code;
  }
}

/** `parsePaperCode` for callers that want an exception: the canonical code, or PaperCodeError. */
export const readPaperCode = (input: string): string => {
  const parsed = parsePaperCode(input);
  if (!parsed.ok) throw new PaperCodeError(parsed.reason);
  return parsed.code;
};
