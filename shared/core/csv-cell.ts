/** The formula-safe CSV cell (data-rules rule 14), neutral: used by domain exports and platform CSV alike. */

const FORMULA_START = /^[=+\-@\t\r]/;

/** The formula guard alone (rule 14), for cells that are not CSV (XLSX text cells). */
export const formulaSafe = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** One CSV cell: formula-safe (rule 14: a leading = + - @ TAB CR gets a `'`) and RFC 4180 quoted. */
export function csvCell(value: string, delimiter: string): string {
  const safe = formulaSafe(value);
  return /["\r\n]/.test(safe) || safe.includes(delimiter) || safe !== safe.trim()
    ? `"${safe.replace(/"/g, '""')}"`
    : safe;
}
