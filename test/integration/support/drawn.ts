/**
 * Small rounds drawn over HTTP for the scoring and PAR tests: a roster of a few persons per unit,
 * imported, drawn without reserve, and the official list's form tokens by unit; the links of an
 * official or reserve list CSV.
 */
import { expect } from 'vitest';
import { api, importCompleted, sampleCompleted, unique } from './api.ts';

/**
 * A ';'-separated roster, completed 01/10/2026: for the g-th `[unit, n]`, n persons `person` + letter g
 * (A, B, …) + i, phone `phone` + i + g, dossier `dossier`-unit-i, all in `field`.
 */
export const smallRoster = (p: {
  person: string;
  phone: string;
  dossier: string;
  field: string;
  units: Array<[unit: string, persons: number]>;
}): string =>
  [
    'Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày hoàn thành',
    ...p.units.flatMap(([unit, n], g) =>
      Array.from(
        { length: n },
        (_, i) =>
          `${p.person} ${String.fromCharCode(65 + g)}${i};${p.phone}${i}${g};${p.dossier}-${unit}-${i};${p.field};${unit};01/10/2026`,
      ),
    ),
  ].join('\n');

/** A PAR round of the two departments Sở Nội vụ (SNV) and Sở Tư pháp (STP), field lanh-dao. */
export const createDepartmentsParRound = async (name: string): Promise<string> => {
  const created = await api('POST', '/api/rounds', {
    body: {
      name: unique(name),
      year: 2026,
      kind: 'PAR',
      units: [
        { code: 'SNV', name: 'Sở Nội vụ', type: 'department' },
        { code: 'STP', name: 'Sở Tư pháp', type: 'department' },
      ],
      fields: [{ code: 'lanh-dao', name: 'Lãnh đạo, quản lý' }],
    },
  });
  expect(created.status).toBe(201);
  return created.json.roundId;
};

/**
 * Imports `roster`, draws with `seed` (`officialPerStratum`, no reserve) and returns the official
 * list's form tokens by unit, in list order.
 */
export const drawnTokens = async (
  roundId: string,
  roster: string,
  draw: { seed: string; officialPerStratum: number },
): Promise<Record<string, string[]>> => {
  const up = await api('POST', `/api/rounds/${roundId}/rosters`, { raw: roster });
  await importCompleted(roundId, up.json.importId);
  const s = await api('POST', `/api/rounds/${roundId}/samples`, {
    body: { ...draw, reservePerStratum: 0 },
  });
  await sampleCompleted(roundId, s.json.sampleId);
  const csv = (await api('GET', `/api/rounds/${roundId}/samples/${s.json.sampleId}/official.csv`)).text;
  const tokens: Record<string, string[]> = {};
  for (const { unit, token } of listLinks(csv)) tokens[unit] = [...(tokens[unit] ?? []), token];
  return tokens;
};

/** The rows of an official.csv or reserve.csv: unit, field, rank, name, phone, paper code and form token. */
export const listLinks = (text: string) =>
  text
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => {
      const cells = l.split(',');
      return {
        unit: cells[1] ?? '',
        field: cells[3],
        rank: Number(cells[5]),
        name: cells[6] ?? '',
        phone: cells[7] ?? '',
        code: cells[9] ?? '',
        // From the line's end: a quoted cell with a comma (a field named "Lãnh đạo, quản lý") shifts cells.
        token: /\/f\/([A-Za-z0-9_-]+)$/.exec(l)?.[1] ?? '',
      };
    });
