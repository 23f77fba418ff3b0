/**
 * Bytes → text for CSV rosters (data-rules rule 1), decided once from the first bytes and then
 * applied chunk by chunk, so memory stays bounded whatever the file size.
 *   BOM EF BB BF / FF FE / FE FF  → UTF-8 / UTF-16LE / UTF-16BE (Excel "Unicode Text")
 *   valid UTF-8                   → UTF-8
 *   otherwise                     → Windows-1258 or raw TCVN3 bytes, whichever makes a header
 *                                   and Vietnamese words; VNI refused by name.
 * Decoding is strict: a byte sequence invalid in the chosen encoding is an encoding error, never
 * a U+FFFD stored in a name. Windows-1258 leaves tone marks as combining characters; cells are
 * NFC-normalised downstream (normaliseText), where a whole cell is at hand.
 */
import iconv from 'iconv-lite';
import { detectDelimiter } from '../../shared/domain/index.ts';
import { headerStrength } from './columns.ts';
import { decodeTcvn3, vniBaseLetters } from './legacy-fonts.ts';
import { RosterFileError, unsupportedEncoding, unsupportedFormat } from './roster-errors.ts';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1258' | 'tcvn3';

/** Bytes looked at before deciding: enough for title rows and a header in any encoding. */
export const SNIFF_BYTES = 64 * 1024;

export interface StreamTextDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

const isValidUtf8Prefix = (bytes: Uint8Array, complete: boolean): boolean => {
  // A multi-byte sequence cut by the window's end is not an error: drop up to 3 trailing bytes.
  let end = bytes.length;
  if (!complete) {
    for (let back = 1; back <= 3 && back <= bytes.length; back++) {
      const b = bytes[bytes.length - back] ?? 0;
      if ((b & 0xc0) === 0xc0) {
        end = bytes.length - back;
        break;
      }
      if ((b & 0x80) === 0) break;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
};

const NON_ASCII = /[^ -~\s]/;
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const VIETNAMESE_LETTER = /^(?:[A-Za-z][\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b]*|[đĐ])$/;

/**
 * Words that cannot be Vietnamese: a non-Vietnamese letter (µ, ª, ï …) or two tone marks in
 * one syllable. Decoding with the wrong legacy table produces many; the right one almost none.
 */
export const implausibleWords = (text: string): number => {
  let bad = 0;
  for (const word of text.normalize('NFC').split(/[\s,;\t"'.()/\\-]+/)) {
    if (!NON_ASCII.test(word)) continue;
    const chars = [...word].filter((ch) => NON_ASCII.test(ch) || /[A-Za-z]/.test(ch));
    const foreign = chars.some((ch) => !VIETNAMESE_LETTER.test(ch.normalize('NFD')));
    const tones = word.normalize('NFD').match(TONE_MARKS)?.length ?? 0;
    if (foreign || tones > 1) bad++;
  }
  return bad;
};

/** The encoding of a CSV roster from its first bytes (`complete`: the window is the whole file). */
export const chooseEncoding = (window: Uint8Array, complete: boolean): TextEncoding => {
  const [b0, b1, b2] = window;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8';
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  if (window.includes(0)) {
    // UTF-16 written without its BOM puts a NUL beside every ASCII letter.
    const zeros = window.reduce((n, b) => n + (b === 0 ? 1 : 0), 0);
    if (zeros > window.length / 4 && /[A-Za-z]/.test(Buffer.from(window).toString('latin1'))) {
      throw unsupportedEncoding(
        'UTF-16 không có BOM',
        'hãy lưu lại bằng "CSV UTF-8" hoặc "Unicode Text" của Excel.',
      );
    }
    throw unsupportedFormat('Tệp không phải bảng tính (có byte nhị phân).');
  }
  if (isValidUtf8Prefix(window, complete)) return 'utf-8';

  const bytes = Buffer.from(window);
  const cp1258 = iconv.decode(bytes, 'windows1258');
  const tcvn3 = decodeTcvn3(bytes);
  const vni = vniBaseLetters(iconv.decode(bytes, 'windows1252'));
  const delimiter = detectDelimiter(cp1258);
  const strength = {
    cp1258: headerStrength(cp1258.normalize('NFC'), delimiter),
    tcvn3: headerStrength(tcvn3, delimiter),
    vni: headerStrength(vni, delimiter),
  };
  if (strength.vni >= 3 && strength.vni > strength.cp1258 && strength.vni > strength.tcvn3) {
    throw unsupportedEncoding(
      'VNI (phông VNI-Times)',
      'hãy chuyển sang Unicode (ví dụ bằng Unikey: Công cụ chuyển mã, VNI Windows → Unicode) rồi lưu "CSV UTF-8".',
    );
  }
  if (Math.max(strength.cp1258, strength.tcvn3) < 3) {
    // No header under any single-byte reading. A header that reads as UTF-8 means UTF-8 text
    // with foreign bytes further on (rows pasted from another file): say so, not "no header".
    const lossy = new TextDecoder('utf-8').decode(bytes);
    if (headerStrength(lossy, detectDelimiter(lossy)) >= 3) {
      throw unsupportedEncoding(
        'UTF-8 lẫn byte không hợp lệ',
        'dòng tiêu đề là UTF-8 nhưng có dòng ở bảng mã khác (ví dụ Windows-1258); hãy lưu lại toàn bộ tệp bằng "CSV UTF-8".',
      );
    }
    throw unsupportedEncoding(
      'không xác định (không phải UTF-8, UTF-16, Windows-1258 hay TCVN3)',
      'hãy mở tệp bằng Excel và lưu lại bằng "CSV UTF-8", hoặc gửi tệp .xlsx.',
    );
  }
  if (strength.tcvn3 > strength.cp1258) return 'tcvn3';
  if (strength.cp1258 > strength.tcvn3) return 'windows-1258';
  // Same header under both (an ASCII header such as "ho_ten"): let the words decide.
  return implausibleWords(tcvn3) < implausibleWords(cp1258) ? 'tcvn3' : 'windows-1258';
};

export const ENCODING_LABEL: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'windows-1258': 'Windows-1258',
  tcvn3: 'TCVN3 (ABC)',
};

const mixedEncoding = (encoding: TextEncoding) =>
  unsupportedEncoding(
    `${ENCODING_LABEL[encoding]} lẫn byte không hợp lệ`,
    'phần sau của tệp không cùng bảng mã với phần đầu; hãy lưu lại toàn bộ tệp bằng "CSV UTF-8".',
  );

/** A chunk-by-chunk decoder for the chosen encoding; a BOM is removed. */
export const createTextDecoder = (encoding: TextEncoding): StreamTextDecoder => {
  if (encoding === 'tcvn3') return { write: (c) => decodeTcvn3(c), end: () => '' };
  if (encoding === 'windows-1258') {
    const d = iconv.getDecoder('windows1258');
    // Undefined cp1258 bytes (0x81, 0x8A …) come out as U+FFFD: refuse instead of storing it.
    const check = (s: string) => {
      if (s.includes('\ufffd')) throw mixedEncoding(encoding);
      return s;
    };
    return { write: (c) => check(d.write(Buffer.from(c))), end: () => check(d.end() ?? '') };
  }
  const d = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  const run = (f: () => string) => {
    try {
      return f();
    } catch (error) {
      if (error instanceof RosterFileError) throw error;
      throw mixedEncoding(encoding);
    }
  };
  return { write: (c) => run(() => d.decode(c, { stream: true })), end: () => run(() => d.decode()) };
};
