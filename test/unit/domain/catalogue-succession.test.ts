import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CatalogueError,
  type OrgUnit,
  parseCatalogueCsv,
  parseFieldCatalogueCsv,
  predecessorMapping,
  successorMapping,
} from '../../../shared/domain/index.ts';

const unit = (
  code: string,
  validTo: string | null,
  successorCodes: string[] = [],
  validFrom = '2000-01-01',
): OrgUnit => ({
  code,
  name: code,
  type: 'commune',
  parentCode: null,
  validFrom,
  validTo,
  successorCodes,
});

describe('successor mapping across a reorganisation', () => {
  it('follows successor links transitively to the units valid on the later date', () => {
    const units = [
      unit('A', '2025-06-30', ['B']),
      unit('B', '2026-06-30', ['C'], '2025-07-01'),
      unit('C', null, [], '2026-07-01'),
      unit('D', null),
      unit('E', '2025-06-30'),
    ];
    const forward = successorMapping(units, { from: '2024-12-31', to: '2027-01-01' });
    expect(forward.map((f) => [f.code, f.successors])).toEqual([
      ['A', ['C']],
      ['D', ['D']],
      ['E', []],
    ]);
    const back = predecessorMapping(units, { from: '2024-12-31', to: '2027-01-01' });
    expect(back.map((b) => [b.code, b.predecessors])).toEqual([
      ['C', ['A']],
      ['D', ['D']],
    ]);
  });

  it('survives a successor cycle in the data without looping', () => {
    const units = [unit('A', '2020-01-01', ['B']), unit('B', '2020-01-01', ['A'])];
    expect(successorMapping(units, { from: '2019-01-01', to: '2021-01-01' })[0]?.successors).toEqual([]);
  });

  it('maps the example catalogue: merged communes to their new commune or ward', () => {
    const units = parseCatalogueCsv(readFileSync('docs/examples/catalogue-2024-2026.csv', 'utf8'));
    const forward = Object.fromEntries(
      successorMapping(units, { from: '2025-06-30', to: '2025-07-01' }).map((f) => [f.code, f.successors]),
    );
    expect(forward.X4).toEqual(['PM1', 'XM2']);
    expect(forward.H1).toEqual([]);
  });
});

describe('fields and procedures per level', () => {
  const header = 'Mã lĩnh vực,Tên lĩnh vực,Cấp,Mã thủ tục,Tên thủ tục';
  it('groups procedures under their field with its levels', () => {
    const fields = parseFieldCatalogueCsv(
      [
        header,
        'tu-phap,Tư pháp,Xã|Sở,1.1,Khai sinh',
        'tu-phap,Tư pháp,Xã|Sở,1.2,Khai tử',
        'dat-dai,Đất đai,huyện,,',
      ].join('\n'),
    );
    expect(fields).toEqual([
      {
        code: 'tu-phap',
        name: 'Tư pháp',
        levels: ['commune', 'department'],
        procedures: [
          { code: '1.1', name: 'Khai sinh' },
          { code: '1.2', name: 'Khai tử' },
        ],
      },
      { code: 'dat-dai', name: 'Đất đai', levels: ['district'], procedures: [] },
    ]);
  });

  it('names the row and column of each problem', () => {
    const text = [
      header,
      'tu-phap,Tư pháp,xã,1.1,Khai sinh',
      'tu-phap,Tư pháp khác,xã,1.2,Khai tử',
      'dat-dai,Đất đai,thôn,,',
      'y-te,Y tế,xã,1.1,Trùng mã',
      ',Thiếu mã,xã,,',
    ].join('\n');
    try {
      parseFieldCatalogueCsv(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogueError);
      expect((error as CatalogueError).issues.map((i) => `${i.code} @ ${i.where}`)).toEqual([
        'FIELD_CONFLICT @ bảng lĩnh vực, dòng 3, cột Tên lĩnh vực',
        'UNKNOWN_LEVEL @ bảng lĩnh vực, dòng 4, cột Cấp',
        'DUPLICATE_CODE @ bảng lĩnh vực, dòng 5, cột Mã thủ tục',
        'MISSING_REQUIRED @ bảng lĩnh vực, dòng 6, cột Mã lĩnh vực',
      ]);
    }
  });
});
