import { describe, expect, it } from 'vitest';
import { parseRosterDate } from '../../../services/roster-intake/dates.ts';

describe('parseRosterDate (rule 8: day first, always)', () => {
  it.each([
    ['05/03/2026', '2026-03-05'],
    ['5/3/2026', '2026-03-05'],
    ['12/01/2026', '2026-01-12'],
    ['29/02/2024', '2024-02-29'],
    ['2026-03-05', '2026-03-05'],
    ['2026-03-05T00:00:00Z', '2026-03-05'],
    ['46086', '2026-03-05'], // Excel serial
    ['45351', '2024-02-29'],
  ])('%s → %s', (raw, iso) => {
    expect(parseRosterDate(raw)).toBe(iso);
  });

  it.each([
    '31/02/2026',
    '29/02/2025',
    '00/01/2026',
    '13/13/2026',
    '2026-13-01',
    'hôm qua',
    '',
    '01/01/1850',
  ])('refuses %j', (raw) => {
    expect(parseRosterDate(raw)).toBeNull();
  });
});
