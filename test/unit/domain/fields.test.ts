import { describe, expect, it } from 'vitest';
import {
  buildStrata,
  CatalogueError,
  DEFAULT_FIELD_CATALOGUE,
  fieldsForLevel,
  findField,
  type OrgUnit,
  parseFieldCatalogue,
  stratumKey,
} from '../../../shared/domain/index.ts';

const unit = (code: string, type: OrgUnit['type'], parentCode: string | null): OrgUnit => ({
  code,
  name: code,
  type,
  parentCode,
  validFrom: '2020-01-01',
  validTo: null,
  successorCodes: [],
});

describe('fields and procedures', () => {
  it('finds a field by code or by Vietnamese name, ignoring case, spacing and diacritics', () => {
    expect(findField(DEFAULT_FIELD_CATALOGUE, 'TU_PHAP')!.name).toBe('Tư pháp');
    expect(findField(DEFAULT_FIELD_CATALOGUE, '  tư   PHÁP ')!.code).toBe('TU_PHAP');
    expect(findField(DEFAULT_FIELD_CATALOGUE, 'Dat dai')!.code).toBe('DAT_DAI');
    expect(findField(DEFAULT_FIELD_CATALOGUE, 'tu-phap')!.code).toBe('TU_PHAP');
    expect(findField(DEFAULT_FIELD_CATALOGUE, 'Thuế')).toBeUndefined();
    expect(fieldsForLevel(DEFAULT_FIELD_CATALOGUE, 'commune').map((f) => f.code)).toContain('HO_TICH');
    expect(fieldsForLevel(DEFAULT_FIELD_CATALOGUE, 'commune').map((f) => f.code)).not.toContain('GIAO_DUC');
  });

  it('builds the Long Biên 2020 strata: district field + procedure, 3 wards × 2 fields = 8 strata [seed 004]', () => {
    const units = [
      unit('HN', 'central-city', null),
      unit('LB', 'urban-district', 'HN'),
      unit('TT', 'ward', 'LB'),
      unit('VH', 'ward', 'LB'),
      unit('PL', 'ward', 'LB'),
    ];
    const strata = buildStrata(DEFAULT_FIELD_CATALOGUE, units, [
      { unitCode: 'LB', fieldCodes: ['Tài nguyên và môi trường'], procedureCodes: ['HKD_THANH_LAP'] },
      ...['TT', 'VH', 'PL'].map((u) => ({ unitCode: u, fieldCodes: ['TU_PHAP', 'LD_TBXH', 'tư pháp'] })),
    ]);
    expect(strata.map(stratumKey)).toEqual([
      'LB#TN_MT',
      'LB#KH_DT#HKD_THANH_LAP',
      'TT#TU_PHAP',
      'TT#LD_TBXH',
      'VH#TU_PHAP',
      'VH#LD_TBXH',
      'PL#TU_PHAP',
      'PL#LD_TBXH',
    ]);
    expect(() =>
      buildStrata(DEFAULT_FIELD_CATALOGUE, units, [
        { unitCode: 'TT', fieldCodes: ['GIAO_DUC', 'THUE'], procedureCodes: ['NOPE', 'CAP_GCN_QSDD'] },
        { unitCode: 'ZZ' },
        { unitCode: 'LB', procedureCodes: ['KHAI_SINH'] },
      ]),
    ).toThrow(
      'đơn vị "TT": lĩnh vực "GIAO_DUC" không thuộc cấp của đơn vị; đơn vị "TT": lĩnh vực "THUE" không tồn tại; đơn vị "TT": thủ tục "NOPE" không tồn tại; đơn vị "ZZ": không có trong danh mục; đơn vị "LB": thủ tục "KHAI_SINH" không thuộc cấp của đơn vị',
    );
  });

  it('refuses duplicate codes or names and procedures of unknown fields or wrong levels', () => {
    const bad = {
      id: 'x',
      year: 2024,
      fields: [
        { code: 'A', name: 'Tư pháp', levels: ['commune'] },
        { code: 'A', name: 'tu phap', levels: ['commune'] },
      ],
      procedures: [
        { code: 'P', name: 'p', fieldCode: 'Z', levels: ['commune'] },
        { code: 'P', name: 'p', fieldCode: 'A', levels: ['department'] },
      ],
    };
    try {
      parseFieldCatalogue(bad);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(CatalogueError);
      expect((e as CatalogueError).issues.map((i) => `${i.where} ${i.code}`)).toEqual([
        'lĩnh vực "A" DUPLICATE_CODE',
        'lĩnh vực "A" DUPLICATE_NAME',
        'thủ tục "P" UNKNOWN_FIELD',
        'thủ tục "P" DUPLICATE_CODE',
        'thủ tục "P" INVALID_LEVEL',
      ]);
    }
    expect(() => parseFieldCatalogue({ id: 'x', year: 2024, fields: [] })).toThrow(
      /danh mục lĩnh vực "fields"/,
    );
  });
});
