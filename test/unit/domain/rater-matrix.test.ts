import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  expandRaterAssignments,
  HAI_PHONG_2020_RATER_MATRIX,
  type OrgUnit,
  parseCatalogueCsv,
  parseRaterMatrix,
  type Rater,
  RaterMatrixError,
  TWO_TIER_2025_RATER_MATRIX,
  unitsOfLevel,
} from '../../../shared/domain/index.ts';

const unit = (code: string, type: OrgUnit['type']): OrgUnit => ({
  code,
  name: code,
  type,
  parentCode: 'HP',
  validFrom: '2020-01-01',
  validTo: null,
  successorCodes: [],
});

describe('rater-group × target matrix (Hải Phòng 2020, seed 000)', () => {
  const targets = [
    unit('SYT', 'department'),
    unit('SNV', 'department'),
    unit('STP', 'department'),
    unit('303', 'urban-district'),
    unit('304', 'urban-district'),
  ];
  const raters: Rater[] = [
    { id: 'b1', groupCode: 'BAO_CHI' },
    { id: 'd2', groupCode: 'DB_HDND' },
    { id: 'd1', groupCode: 'DB_HDND' },
    { id: 'm1', groupCode: 'MTTQ_DT' },
    { id: 's-snv', groupCode: 'LD_SO', unitCode: 'SNV' },
    { id: 's-stp', groupCode: 'LD_SO', unitCode: 'STP' },
    { id: 'h303', groupCode: 'LD_HUYEN', unitCode: '303' },
    { id: 't304', groupCode: 'TT_HDND_HUYEN', unitCode: '304' },
  ];

  it('small example with self-exclusion: expected counts per target, rater and group', () => {
    const r = expandRaterAssignments({ matrix: HAI_PHONG_2020_RATER_MATRIX, raters, targets });
    // Delegates d1, d2, Front m1 and press b1 rate all 5 targets: 4 × 5 = 20
    // Department leaders rate the 2 OTHER departments + 2 districts: 2 × 4 = 8
    // District leader h303 and standing committee t304 rate the 3 departments: 2 × 3 = 6 → total 34
    expect(r.assignments).toHaveLength(34);
    expect(r.countsByRater).toEqual({ b1: 5, d1: 5, d2: 5, h303: 3, m1: 5, 's-snv': 4, 's-stp': 4, t304: 3 });
    // SNV: d1, d2, m1, s-stp, h303, t304, b1 = 7 (s-snv excluded); STP likewise 7;
    // SYT: also both department leaders = 8; districts: d1, d2, m1, s-snv, s-stp, b1 = 6 each (district raters do not rate districts)
    expect(r.countsByTarget).toEqual({ '303': 6, '304': 6, SNV: 7, STP: 7, SYT: 8 });
    expect(r.countsByGroup).toEqual({
      BAO_CHI: 5,
      DB_HDND: 10,
      MTTQ_DT: 5,
      LD_SO: 8,
      LD_HUYEN: 3,
      TT_HDND_HUYEN: 3,
    });
    expect(r.assignments.some((a) => a.raterId === 's-snv' && a.targetCode === 'SNV')).toBe(false);
    // deterministic order: rater id, then target code
    expect(r.assignments.slice(0, 6).map((a) => `${a.raterId}>${a.targetCode}`)).toEqual([
      'b1>303',
      'b1>304',
      'b1>SNV',
      'b1>STP',
      'b1>SYT',
      'd1>303',
    ]);
    const reversed = expandRaterAssignments({
      matrix: HAI_PHONG_2020_RATER_MATRIX,
      raters: [...raters].reverse(),
      targets: [...targets].reverse(),
    });
    expect(reversed).toEqual(r);
  });

  it('full Hải Phòng 2020 catalogue: 20 departments × 53 raters + 15 districts × 24 raters = 1,420 assignments', () => {
    const units = parseCatalogueCsv(
      readFileSync(new URL('../../fixtures/domain/hai-phong-2020.csv', import.meta.url), 'utf8'),
    );
    const departments = unitsOfLevel(units, 'department');
    const districts = unitsOfLevel(units, 'district');
    const all: Rater[] = [
      { id: 'hdnd-1', groupCode: 'DB_HDND' },
      { id: 'hdnd-2', groupCode: 'DB_HDND' },
      { id: 'mttq-1', groupCode: 'MTTQ_DT' },
      { id: 'bao-1', groupCode: 'BAO_CHI' },
      ...departments.map((d) => ({ id: `so-${d.code}`, groupCode: 'LD_SO', unitCode: d.code })),
      ...districts.map((d) => ({ id: `huyen-${d.code}`, groupCode: 'LD_HUYEN', unitCode: d.code })),
      ...districts.map((d) => ({ id: `tthdnd-${d.code}`, groupCode: 'TT_HDND_HUYEN', unitCode: d.code })),
    ];
    const r = expandRaterAssignments({
      matrix: HAI_PHONG_2020_RATER_MATRIX,
      raters: all,
      targets: [...departments, ...districts],
    });
    // department: 2 delegates + 1 Front + 1 press + 19 other department leaders + 15 + 15 district raters = 53
    // district: 2 + 1 + 1 + 20 department leaders = 24 (district raters do not rate districts)
    for (const d of departments) expect(r.countsByTarget[d.code]).toBe(53);
    for (const d of districts) expect(r.countsByTarget[d.code]).toBe(24);
    expect(r.assignments).toHaveLength(20 * 53 + 15 * 24);
  });

  it('self-exclusion can be switched off per cell (e.g. a province that lets departments self-rate)', () => {
    const matrix = structuredClone(HAI_PHONG_2020_RATER_MATRIX);
    matrix.groups.find((g) => g.code === 'LD_SO')!.targets[0]!.excludeOwnUnit = false;
    const r = expandRaterAssignments({
      matrix,
      raters: [{ id: 's', groupCode: 'LD_SO', unitCode: 'SNV' }],
      targets,
    });
    expect(r.countsByTarget.SNV).toBe(1);
  });

  it('two-tier matrix: communes instead of districts', () => {
    const r = expandRaterAssignments({
      matrix: TWO_TIER_2025_RATER_MATRIX,
      raters: [
        { id: 'x1', groupCode: 'LD_XA', unitCode: 'P-HL' },
        { id: 'd1', groupCode: 'DB_HDND' },
      ],
      targets: [unit('SNV', 'department'), unit('P-HL', 'ward'), unit('X-TY', 'commune')],
    });
    expect(r.countsByTarget).toEqual({ 'P-HL': 1, SNV: 2, 'X-TY': 1 });
  });

  it('refuses unknown groups, duplicate raters or targets, and malformed matrices', () => {
    expect(() =>
      expandRaterAssignments({
        matrix: HAI_PHONG_2020_RATER_MATRIX,
        raters: [
          { id: 'a', groupCode: 'XX' },
          { id: 'a', groupCode: 'DB_HDND' },
        ],
        targets: [unit('S', 'department'), unit('S', 'department')],
      }),
    ).toThrow(RaterMatrixError);
    try {
      expandRaterAssignments({
        matrix: HAI_PHONG_2020_RATER_MATRIX,
        raters: [{ id: 'a', groupCode: 'XX' }],
        targets: [],
      });
    } catch (e) {
      expect((e as RaterMatrixError).message).toBe('người đánh giá "a": nhóm "XX" không có trong ma trận');
    }
    expect(() =>
      parseRaterMatrix({
        ...TWO_TIER_2025_RATER_MATRIX,
        groups: [
          { code: 'A', name: 'a', targets: [{ level: 'district' }, { level: 'district' }] },
          { code: 'A', name: 'a', targets: [] },
        ],
      }),
    ).toThrow(
      /nhóm "A": cấu trúc hai cấp không có cấp huyện.*nhóm "A": một cấp đối tượng được khai báo hai lần.*nhóm "A": mã nhóm bị trùng/,
    );
    expect(() => parseRaterMatrix({ id: 'x' })).toThrow(ConfigError);
  });
});
