/**
 * Legacy Vietnamese font encodings (data-rules rule 1). Before Unicode, offices typed with
 * TCVN3 (ABC, fonts ".VnTime") or VNI ("VNI-Times") fonts: the bytes are Latin-1 letters that
 * only the font draws as Vietnamese. Such text reaches us either as raw bytes (a CSV saved by an
 * old tool) or as Unicode text holding the Windows-1252 look-alikes (Excel saved ".VnTime" cells
 * as UTF-8 or XLSX): "Họ và tên" arrives as "Hä vµ tªn".
 * TCVN3 is converted with its table; VNI is only detected (its tone marks are separate bytes
 * whose combinations are not worth a table here) and refused by the caller, naming it.
 */
import iconv from 'iconv-lite';

export type LegacyFont = 'TCVN3' | 'VNI';

// TCVN 5712:1993 "VN3" (the ABC keyboard set): byte → Unicode letter. Capitals with tone marks
// live in separate ".VnTimeH" fonts that reuse the lower-case bytes, so they convert to lower case.
const TCVN3_LETTERS: Array<[number, string]> = [
  [0xa1, 'Ă'],
  [0xa2, 'Â'],
  [0xa3, 'Ê'],
  [0xa4, 'Ô'],
  [0xa5, 'Ơ'],
  [0xa6, 'Ư'],
  [0xa7, 'Đ'],
  [0xa8, 'ă'],
  [0xa9, 'â'],
  [0xaa, 'ê'],
  [0xab, 'ô'],
  [0xac, 'ơ'],
  [0xad, 'ư'],
  [0xae, 'đ'],
  ...row(0xb5, 'àảãáạ'),
  ...row(0xbb, 'ằẳẵắ'),
  [0xc6, 'ặ'],
  ...row(0xc7, 'ầẩẫấậ'),
  [0xcc, 'è'],
  ...row(0xce, 'ẻẽ'),
  ...row(0xd0, 'éẹ'),
  ...row(0xd2, 'ềểễếệ'),
  ...row(0xd7, 'ìỉ'),
  ...row(0xdc, 'ĩíị'),
  [0xdf, 'ò'],
  ...row(0xe1, 'ỏõóọ'),
  ...row(0xe5, 'ồổỗốộ'),
  ...row(0xea, 'ờởỡớợ'),
  [0xef, 'ù'],
  ...row(0xf1, 'ủũúụ'),
  ...row(0xf5, 'ừửữứự'),
  ...row(0xfa, 'ỳỷỹýỵ'),
];

function row(start: number, letters: string): Array<[number, string]> {
  return [...letters].map((ch, i) => [start + i, ch] as [number, string]);
}

/** byte → Unicode for TCVN3; bytes outside the letter set read as Windows-1252. */
const TCVN3_BYTE = (() => {
  const table = [...iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)), 'windows1252')];
  for (const [byte, ch] of TCVN3_LETTERS) table[byte] = ch;
  return table;
})();

/** Windows-1252 look-alike character (what Excel stored) → Unicode letter. */
const TCVN3_CHAR = (() => {
  const map = new Map<string, string>();
  const cp1252 = [...iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)), 'windows1252')];
  for (const [byte, ch] of TCVN3_LETTERS) {
    const lookAlike = cp1252[byte];
    if (lookAlike && lookAlike !== '\ufffd') map.set(lookAlike, ch);
  }
  return map;
})();

const TCVN3_LOOKALIKE = new RegExp(`[${[...TCVN3_CHAR.keys()].join('')}]`, 'gu');

/** Raw TCVN3 bytes → Unicode (stateless per byte, so chunks decode independently). */
export const decodeTcvn3 = (bytes: Uint8Array): string => {
  let out = '';
  for (const b of bytes) out += TCVN3_BYTE[b];
  return out;
};

/** Unicode text holding TCVN3 look-alikes ("Hä vµ tªn") → Unicode ("Họ và tên"). */
export const tcvn3TextToUnicode = (text: string): string =>
  text.replace(TCVN3_LOOKALIKE, (ch) => TCVN3_CHAR.get(ch) ?? ch);

// VNI: base letter followed by a mark byte (Latin-1 look-alikes); đ/Đ are ñ/Ñ.
const VNI_MARKS = /([A-Za-z])[ùøûõïáàåãäâêéèúüëôöÙØÛÕÏÁÀÅÃÄÂÊÉÈÚÜËÔÖ]+/g;

/**
 * VNI text folded to its base letters ("Hoï vaø teân" → "Ho va ten"), enough to recognise a
 * header written in a VNI font. Not a conversion: tone marks are dropped.
 */
export const vniBaseLetters = (text: string): string =>
  text.replace(VNI_MARKS, '$1').replace(/ñ/g, 'd').replace(/Ñ/g, 'D');
