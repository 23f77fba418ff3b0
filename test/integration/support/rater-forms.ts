/**
 * The PAR rater-forms set-up shared by the rater-forms tests: a three-tier rater matrix, its units,
 * a small rater roster (column "Nhóm đối tượng", own unit in "Mã đơn vị"), a round with them, the
 * roster imported, the forms generated and listed.
 */
import { expect } from 'vitest';
import { api, importCompleted, unique } from './api.ts';
import { type ImportJson, uploadRoster } from './roster.ts';

export const RATER_MATRIX = {
  id: 'test-matrix',
  year: 2026,
  structure: 'three-tier',
  excludeOwnUnit: true,
  groups: [
    { code: 'LD_SO', name: 'Lãnh đạo sở', targets: [{ level: 'department' }, { level: 'district' }] },
    {
      code: 'DB_HDND',
      name: 'Đại biểu HĐND tỉnh',
      targets: [{ level: 'department' }, { level: 'district' }],
    },
    { code: 'LD_HUYEN', name: 'Lãnh đạo UBND huyện', targets: [{ level: 'department' }] },
  ],
};

export const RATER_UNITS: Array<{ code: string; name: string; type?: string }> = [
  { code: 'SNV', name: 'Sở Nội vụ', type: 'department' },
  { code: 'STP', name: 'Sở Tư pháp', type: 'department' },
  { code: 'SYT', name: 'Sở Y tế', type: 'department' },
  { code: 'H1', name: 'UBND huyện Một', type: 'rural-district' },
  // Delegates' own body: a unit of the round that nobody rates (no catalogue type).
  { code: 'HDND', name: 'HĐND tỉnh' },
];

/** Five raters: two LD_SO (the second's group written `secondLeaderGroup`), two DB_HDND, one LD_HUYEN. */
export const raterRoster = (secondLeaderGroup = 'LD_SO'): string =>
  [
    'Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày hoàn thành;Nhóm đối tượng',
    'Lãnh đạo Một;0914000001;R-1;Đánh giá;SNV;01/10/2026;LD_SO',
    `Lãnh đạo Hai;0914000002;R-2;Đánh giá;STP;01/10/2026;${secondLeaderGroup}`,
    'Đại biểu Một;0914000003;R-3;Đánh giá;HDND;01/10/2026;DB_HDND',
    'Đại biểu Hai;0914000004;R-4;Đánh giá;HDND;01/10/2026;DB_HDND',
    'Chủ tịch huyện;0914000005;R-5;Đánh giá;H1;01/10/2026;LD_HUYEN',
  ].join('\r\n');

export interface RaterFormView {
  raterKey: string;
  groupCode: string;
  unitCode: string;
  targets: string[];
  paperCode: string;
  link: string;
}

/** A round (PAR unless told) over `units` (RATER_UNITS unless told), with `raterMatrix` if given. */
export const createRaterRound = async (
  name: string,
  opts: { kind?: 'PAR' | 'SIPAS'; units?: unknown[]; raterMatrix?: unknown } = {},
): Promise<string> => {
  const created = await api('POST', '/api/rounds', {
    body: {
      name: unique(name),
      year: 2026,
      kind: opts.kind ?? 'PAR',
      units: opts.units ?? RATER_UNITS,
      fields: [{ code: 'danh-gia', name: 'Đánh giá' }],
      ...(opts.raterMatrix ? { raterMatrix: opts.raterMatrix } : {}),
    },
  });
  expect(created.status, created.text).toBe(201);
  return created.json.roundId as string;
};

/** Uploads `roster` as can-bo.csv (202) and waits until its import is completed; returns the import. */
export const importRaterRoster = async (roundId: string, roster: string): Promise<ImportJson> => {
  const up = await uploadRoster(roundId, roster, 'text/csv', 'can-bo.csv');
  expect(up.status, up.text).toBe(202);
  return importCompleted(roundId, up.json.importId);
};

/** Generates the round's rater forms (201) and lists them. */
export const generateRaterForms = async (roundId: string): Promise<RaterFormView[]> => {
  const set = await api('POST', `/api/rounds/${roundId}/rater-forms`);
  expect(set.status, set.text).toBe(201);
  const list = await api('GET', `/api/rounds/${roundId}/rater-forms/${set.json.formsId}/forms`);
  return list.json.forms;
};
