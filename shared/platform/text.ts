/** Text helpers for the web and ids; normalising and matching text lives in shared/domain/text.ts. */

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
