/** Unicode NFC, trimmed, inner whitespace runs (incl. NBSP, U+202F) collapsed to one space. */
export const cleanText = (value: string): string =>
  value
    .normalize('NFC')
    .replace(/[\s\u00a0\u202f\u2007\ufeff]+/g, ' ')
    .trim();

/** Comparison key: no diacritics (đ = d), lower case, no spaces, underscores or hyphens. */
export const foldKey = (value: string): string =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[\s\u00a0_\-.]+/g, '');

/** URL- and key-safe code from a Vietnamese name: "Tư pháp – Hộ tịch" → "tu-phap-ho-tich". */
export const slugify = (value: string): string =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);

/** Escape text for HTML element content and attribute values. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
