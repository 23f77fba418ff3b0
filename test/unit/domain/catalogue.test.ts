import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CatalogueError,
  catalogueToCsv,
  detectDelimiter,
  levelOf,
  type OrgUnit,
  parseCatalogueCsv,
  parseDate,
  structureOn,
  unitsOfLevel,
  unitsValidOn,
  validateCatalogue,
} from '../../../shared/domain/index.ts';

const read = (name: string) =>
  readFileSync(new URL(`../../fixtures/domain/${name}`, import.meta.url), 'utf8');

function issuesOf(f: () => unknown) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogueError);
    expect((e as CatalogueError).code).toBe('INVALID_CATALOGUE');
    return (e as CatalogueError).issues;
  }
  throw new Error('catalogue was accepted');
}

describe('example catalogues', () => {
  it('Hải Phòng 2020: the city, 20 departments and agencies, 7 urban and 8 rural districts (three-tier)', () => {
    const units = parseCatalogueCsv(read('hai-phong-2020.csv'), {
      structure: 'three-tier',
      asOf: '2020-10-07',
    });
    expect(units).toHaveLength(36);
    expect(unitsOfLevel(units, 'department', '2020-10-07')).toHaveLength(20);
    const districts = unitsOfLevel(units, 'district', '2020-10-07');
    expect(districts.map((d) => d.type).filter((t) => t === 'urban-district')).toHaveLength(7);
    expect(districts.map((d) => d.type).filter((t) => t === 'rural-district')).toHaveLength(8);
    expect(units.find((u) => u.code === '303')).toEqual({
      code: '303',
      name: 'Quận Hồng Bàng',
      type: 'urban-district',
      parentCode: '31',
      validFrom: '2020-01-01',
      validTo: '2025-06-30',
      successorCodes: [],
    });
    // After the reform, no district of the catalogue is valid any more.
    expect(unitsOfLevel(units, 'district', '2025-07-01')).toHaveLength(0);
    expect(structureOn('2020-10-07')).toBe('three-tier');
  });

  it('Quảng Ninh 2025 (two-tier): Excel-style file with BOM, ";", title rows, Vietnamese types and dates', () => {
    const text = read('quang-ninh-2025.csv');
    expect(detectDelimiter(text)).toBe(';');
    const units = parseCatalogueCsv(text, { structure: 'two-tier', asOf: '2025-07-01' });
    expect(structureOn('2025-07-01')).toBe('two-tier');
    expect(units[0]).toMatchObject({
      code: '22',
      type: 'province',
      parentCode: null,
      validFrom: '2025-07-01',
      validTo: null,
    });
    const communes = unitsOfLevel(units, 'commune');
    expect(communes).toHaveLength(13);
    expect(new Set(communes.map((c) => c.type))).toEqual(new Set(['ward', 'commune', 'special-zone']));
    expect(communes.every((c) => c.parentCode === '22')).toBe(true);
    expect(units.find((u) => u.code === 'QN-TTR')!.type).toBe('agency');
    expect(unitsValidOn(units, '2025-06-30')).toHaveLength(0);
    // The same file is not a valid three-tier catalogue: communes need a district parent.
    const issues = issuesOf(() => parseCatalogueCsv(text, { structure: 'three-tier' }));
    expect(issues[0]!.message).toBe(
      'dòng 18, đơn vị "QN-P-HALONG": đơn vị cấp trên "22" phải thuộc cấp huyện, không phải cấp tỉnh',
    );
  });

  it('export → import gives the catalogue back (round trip), with any delimiter', () => {
    const units = parseCatalogueCsv(read('hai-phong-2020.csv'));
    for (const delimiter of [',', ';', '\t'] as const) {
      expect(parseCatalogueCsv(catalogueToCsv(units, { delimiter }))).toEqual(units);
    }
    const csv = catalogueToCsv(units.slice(0, 2), { bom: false });
    expect(csv.split('\r\n')[0]).toBe(
      'Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên,Hiệu lực từ,Hiệu lực đến,Mã đơn vị kế thừa',
    );
    expect(csv.startsWith('\uFEFF')).toBe(false);
    expect(catalogueToCsv(units).startsWith('\uFEFF')).toBe(true);
  });

  it('export is formula-safe and quotes delimiters, quotes and newlines; successors round-trip', () => {
    const units: OrgUnit[] = [
      {
        code: 'P',
        name: '=HYPERLINK("x")',
        type: 'province',
        parentCode: null,
        validFrom: '2020-01-01',
        validTo: '2025-06-30',
        successorCodes: ['Q', 'R'],
      },
      {
        code: 'Q',
        name: 'Tỉnh "mới", hợp nhất\nhai tỉnh',
        type: 'province',
        parentCode: null,
        validFrom: '2025-07-01',
        validTo: null,
        successorCodes: [],
      },
      {
        code: 'R',
        name: ' có khoảng trắng',
        type: 'province',
        parentCode: null,
        validFrom: '2025-07-01',
        validTo: null,
        successorCodes: [],
      },
    ];
    const csv = catalogueToCsv(units, { bom: false });
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"Tỉnh ""mới"", hợp nhất\nhai tỉnh"');
    expect(csv).toContain('Q|R');
    const back = parseCatalogueCsv(csv);
    expect(back[0]!.name).toBe('=HYPERLINK("x")');
    expect(back[0]!.successorCodes).toEqual(['Q', 'R']);
    // Names are normalised on import (rule 6): inner newline → space, trimmed
    expect(back[1]!.name).toBe('Tỉnh "mới", hợp nhất hai tỉnh');
    expect(back[2]!.name).toBe('có khoảng trắng');
  });
});

describe('malformed catalogues are refused with the exact place', () => {
  it('duplicate codes', () => {
    const issues = issuesOf(() => parseCatalogueCsv(read('malformed/duplicate-code.csv')));
    expect(issues).toEqual([
      {
        where: 'dòng 4, đơn vị "HP-SNV"',
        code: 'DUPLICATE_CODE',
        message: 'dòng 4, đơn vị "HP-SNV": mã đơn vị bị trùng',
      },
    ]);
  });

  it('unknown parent', () => {
    expect(() => parseCatalogueCsv(read('malformed/unknown-parent.csv'))).toThrow(
      'dòng 3, đơn vị "303": đơn vị cấp trên "99" không tồn tại',
    );
  });

  it('a cycle in parents, reported once with its path', () => {
    const issues = issuesOf(() => parseCatalogueCsv(read('malformed/parent-cycle.csv')));
    expect(issues.map((i) => i.message)).toEqual([
      'dòng 3, đơn vị "A": vòng lặp đơn vị cấp trên: A → B → C → A',
    ]);
    const self = issuesOf(() =>
      validateCatalogue([
        {
          code: 'X',
          name: 'X',
          type: 'commune',
          parentCode: 'X',
          validFrom: '2020-01-01',
          validTo: null,
          successorCodes: [],
        },
      ]),
    );
    expect(self.map((i) => i.code)).toEqual(['PARENT_CYCLE']);
  });

  it('validity dates in the wrong order', () => {
    expect(() => parseCatalogueCsv(read('malformed/dates-reversed.csv'))).toThrow(
      'dòng 3, đơn vị "303": ngày hết hiệu lực 2025-06-30 trước ngày có hiệu lực 2025-07-01',
    );
  });

  it('whole-file failures: unterminated quote, missing column, empty file', () => {
    expect(() => parseCatalogueCsv(read('malformed/unterminated-quote.csv'))).toThrow(
      /tệp CSV: lỗi cú pháp gần dòng \d/,
    );
    expect(issuesOf(() => parseCatalogueCsv(read('malformed/missing-column.csv')))[0]).toMatchObject({
      code: 'MISSING_COLUMN',
      message: 'tệp CSV: thiếu cột "Loại"',
    });
    expect(() => parseCatalogueCsv('Ghi chú,STT\n1,2\n')).toThrow('thiếu cột "Mã đơn vị" hoặc "Tên đơn vị"');
    expect(() => parseCatalogueCsv('\uFEFF\n\n')).toThrow('tệp CSV: tệp rỗng');
  });

  it('row errors: missing values, unknown type, impossible dates; blank rows are skipped but counted', () => {
    const csv = [
      'Mã đơn vị,Tên đơn vị,Loại,Hiệu lực từ,Hiệu lực đến',
      ',Thiếu mã,province,2020-01-01,',
      '',
      'A,Tên,Tỉnh lỵ,2020-01-01,',
      'B,Tên,province,31/02/2020,',
      'C,Tên,province,2020-01-01,hôm qua',
      ',,,,',
    ].join('\n');
    expect(issuesOf(() => parseCatalogueCsv(csv)).map((i) => i.message)).toEqual([
      'dòng 2: thiếu "Mã đơn vị"',
      'dòng 4: loại đơn vị "Tỉnh lỵ" không hợp lệ',
      'dòng 5: ngày "31/02/2020" không hợp lệ',
      'dòng 6: ngày "hôm qua" không hợp lệ',
    ]);
  });

  it('structure rules: districts do not exist in two-tier; parents of the right level; schema problems', () => {
    const unit = (
      code: string,
      type: OrgUnit['type'],
      parentCode: string | null,
      extra: Partial<OrgUnit> = {},
    ): OrgUnit => ({
      code,
      name: code,
      type,
      parentCode,
      validFrom: '2020-01-01',
      validTo: null,
      successorCodes: [],
      ...extra,
    });
    const units = [
      unit('P', 'province', null),
      unit('P2', 'province', 'P'),
      unit('D', 'rural-district', 'P'),
      unit('S', 'department', null),
      unit('X', 'commune', 'S', { successorCodes: ['NOPE'] }),
    ];
    expect(
      issuesOf(() => validateCatalogue(units, { structure: 'two-tier' })).map((i) => `${i.where} ${i.code}`),
    ).toEqual([
      'đơn vị "X" UNKNOWN_SUCCESSOR',
      'đơn vị "P2" INVALID_PARENT_LEVEL',
      'đơn vị "D" DISTRICT_IN_TWO_TIER',
      'đơn vị "S" MISSING_PARENT',
      'đơn vị "X" INVALID_PARENT_LEVEL',
    ]);
    // units not valid on `asOf` are not checked against the structure
    expect(() =>
      validateCatalogue(
        [unit('P', 'province', null), unit('D', 'rural-district', 'P', { validTo: '2025-06-30' })],
        {
          structure: 'two-tier',
          asOf: '2025-07-01',
        },
      ),
    ).not.toThrow();
    const schema = issuesOf(() =>
      validateCatalogue([unit('bad code', 'province', null, { validFrom: '2020-13-01' })]),
    );
    expect(schema.map((i) => i.code)).toEqual(['INVALID_UNIT', 'INVALID_UNIT']);
    expect(levelOf({ type: 'special-zone' })).toBe('commune');
  });

  it('parseDate: day first, ISO, impossible dates refused', () => {
    expect(parseDate('1/7/2025')).toBe('2025-07-01');
    expect(parseDate('2025-7-1')).toBe('2025-07-01');
    expect(parseDate('29/02/2024')).toBe('2024-02-29');
    expect(parseDate('29/02/2023')).toBeNull();
    expect(parseDate('07-01-2025')).toBeNull();
  });
});
