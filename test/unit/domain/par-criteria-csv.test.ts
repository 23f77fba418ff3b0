import { describe, expect, it } from 'vitest';
import { ConfigError, criteriaLeaves, importParCriteriaCsv } from '../../../shared/domain/index.ts';

const META = { id: 'tc-2026', year: 2026, level: 'department' as const, title: 'Bộ tiêu chí 2026' };
const HEADER =
  'Mã,Mã cấp trên,Nội dung,Điểm tối đa,Phương pháp,Cần tài liệu kiểm chứng,Áp dụng,Yếu tố khảo sát';
const ROWS = [
  'LV1,,Chỉ đạo điều hành,6,thẩm định,,,',
  '1.1,LV1,Kế hoạch,"2,5",Thẩm định,có,,',
  '1.2,LV1,Tuyên truyền,3.5,tham dinh,không,không,',
  'DT,,Điều tra xã hội học,4,điều tra xã hội học,,,',
  'DT.1,DT,Đánh giá LV1,4,khảo sát,,,LV1; LV2',
];
const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('no error');
};

describe('importParCriteriaCsv', () => {
  it('reads a tree in any row order below title rows, with aliases, flags, decimal commas and survey elements', () => {
    const csv = ['Bộ tiêu chí năm 2026', '', HEADER, ROWS[4], ROWS[1], ROWS[0], ROWS[2], ROWS[3]].join(
      '\r\n',
    );
    const config = importParCriteriaCsv(csv, META);
    expect(config).toMatchObject({ id: 'tc-2026', version: 1, declaredMaxPoints: 10 });
    expect(config.fields.map((f) => f.code)).toEqual(['LV1', 'DT']);
    const leaves = criteriaLeaves(config);
    expect(leaves.map((l) => [l.code, l.maxPoints, l.method, l.evidenceRequired, l.applicable])).toEqual([
      ['1.1', 2.5, 'appraisal', true, true],
      ['1.2', 3.5, 'appraisal', false, false],
      ['DT.1', 4, 'survey', false, true],
    ]);
    expect(leaves[2]?.surveyElements).toEqual(['LV1', 'LV2']);
  });

  it('names the row and column of every problem', () => {
    const csv = [
      HEADER,
      ',,,x,bốc thăm,có lẽ,,',
      '1.1,LV9,Kế hoạch,1,thẩm định,,,',
      'LV1,,A,1,thẩm định,,,',
      'LV1,,B,1,thẩm định,,,',
    ].join('\n');
    const codes = issuesOf(() => importParCriteriaCsv(csv, META)).map((i) => [i.where, i.code]);
    expect(codes).toEqual([
      ['dòng 2, cột "Mã"', 'MISSING_REQUIRED'],
      ['dòng 2, cột "Nội dung"', 'MISSING_REQUIRED'],
      ['dòng 2, cột "Điểm tối đa"', 'INVALID_NUMBER'],
      ['dòng 2, cột "Phương pháp"', 'INVALID_METHOD'],
      ['dòng 2, cột "Cần tài liệu kiểm chứng"', 'INVALID_FLAG'],
      ['dòng 5, cột "Mã"', 'DUPLICATE_CODE'],
      ['dòng 3, cột "Mã cấp trên"', 'UNKNOWN_PARENT'],
    ]);
  });

  it('refuses a file without header, a missing column, no rows, a parent cycle and maxima that do not add up', () => {
    expect(issuesOf(() => importParCriteriaCsv('a,b\n1,2', META))[0]?.code).toBe('MISSING_HEADER');
    expect(
      issuesOf(() => importParCriteriaCsv('Mã,Nội dung,Điểm tối đa,Ghi chú\n1,a,1,x', META))[0],
    ).toMatchObject({
      code: 'MISSING_COLUMN',
      where: 'cột "Phương pháp"',
    });
    expect(issuesOf(() => importParCriteriaCsv(`${HEADER}\n,,,,,,,`, META))[0]?.code).toBe('NO_DATA_ROWS');
    const cycle = [HEADER, 'A,B,a,1,thẩm định,,,', 'B,A,b,1,thẩm định,,,', 'C,,c,1,thẩm định,,,'].join('\n');
    expect(issuesOf(() => importParCriteriaCsv(cycle, META))[0]?.code).toBe('PARENT_CYCLE');
    const sums = [HEADER, 'A,,a,5,thẩm định,,,', 'A.1,A,a1,2,thẩm định,,,'].join('\n');
    expect(issuesOf(() => importParCriteriaCsv(sums, META))[0]?.code).toBe('WEIGHTS_MISMATCH');
    expect(
      issuesOf(() =>
        importParCriteriaCsv([HEADER, 'A,,a,5,thẩm định,,,'].join('\n'), { ...META, declaredMaxPoints: 6 }),
      )[0]?.code,
    ).toBe('WEIGHTS_MISMATCH');
  });
});
