/** Text normalisation shared by the domain (data-rules rules 4 and 6). */

/** NFC, trimmed, inner whitespace runs (including NBSP and U+202F) collapsed to one space; case kept. */
export function normaliseText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/[\s\u00a0\u202f]+/gu, ' ')
    .trim();
}

/**
 * Matching key: lower case, diacritics removed (đ → d), spaces, underscores and hyphens removed.
 * "Mã đơn vị", "ma_don_vi" and "MA-DON-VI" give the same key.
 */
export function foldKey(value: string): string {
  return normaliseText(value)
    .toLowerCase()
    .replace(/đ/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\s_-]+/g, '');
}
