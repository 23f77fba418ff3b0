import { describe, expect, it } from 'vitest';
import { parseRoster } from '../../../services/roster-intake/parse-roster.ts';
import { AppError } from '../../../shared/platform/errors.ts';

const HEADER = 'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành';
const buf = (s: string, encoding: BufferEncoding = 'utf8') => Buffer.from(s, encoding);

const failure = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
};

describe('parseRoster', () => {
  it('recognises headers by alias in any order, ignoring case, diacritics and separators', () => {
    const csv =
      'stt,MA_DON_VI,so dien thoai,HO TEN,ma-ho-so,linh vuc,NGAY TRA KET QUA,Ghi chú\n1,U1,0912345678,  Lê  Thị\u00a0Lan ,H1,Tư pháp,01/02/2026,x\n';
    const out = parseRoster(buf(csv));
    expect(out.rows).toEqual([
      {
        row: 2,
        fullName: 'Lê Thị Lan',
        phoneE164: '+84912345678',
        phoneKind: 'mobile',
        dossierId: 'H1',
        field: 'Tư pháp',
        unitCode: 'U1',
        completedOn: '2026-02-01',
      },
    ]);
  });

  it('detects ; and TAB delimiters, quoted multi-line cells, any line ending, no final newline', () => {
    const semi = `${HEADER.replaceAll(',', ';')}\r\n"Nguyễn ""Văn"" A";0912345678;H1;TP;U1;01/02/2026\r"B\nC";0912345679;H2;TP;U1;01/02/2026`;
    const out = parseRoster(buf(semi));
    expect(out.rows.map((r) => [r.row, r.fullName])).toEqual([
      [2, 'Nguyễn "Văn" A'],
      [3, 'B C'],
    ]);
    const tab = parseRoster(buf(`${HEADER.replaceAll(',', '\t')}\nA\t0912345678\tH1\tTP\tU1\t01/02/2026\n`));
    expect(tab.rows).toHaveLength(1);
  });

  it('counts blank lines in row numbers but ignores blank rows', () => {
    const out = parseRoster(buf(`${HEADER}\n\n,,,,,\nA,0912345678,H1,TP,U1,01/02/2026\n`));
    expect(out.rows[0]?.row).toBe(4);
    expect(out.dataRows).toBe(1);
  });

  it('reads UTF-16LE with BOM (Excel "Unicode Text") and stores NFC', () => {
    const decomposed = 'Nguye\u0302\u0303n'; // ễ as base + combining marks
    const text = `${HEADER.replaceAll(',', '\t')}\n${decomposed}\t0912345678\tH1\tTP\tU1\t01/02/2026\n`;
    const out = parseRoster(Buffer.concat([Buffer.from([0xff, 0xfe]), buf(text, 'utf16le')]));
    expect(out.rows[0]?.fullName).toBe('Nguyễn');
    expect(out.rows[0]?.fullName).toBe(out.rows[0]?.fullName.normalize('NFC'));
  });

  it('reports row errors precisely and keeps the first of duplicate dossiers', () => {
    const csv = [
      HEADER,
      'A,0912345678,H1,TP,U1,01/02/2026',
      'B,0912345678,H1,TP,U1,01/02/2026',
      'C,abc,H2,TP,U1,01/02/2026',
      'D,0912345678,H3,TP,U1,30/02/2026',
      `${'E'.repeat(1001)},0912345678,H4,TP,U1,01/02/2026`,
      ',0912345678,H5,TP,U1,01/02/2026',
    ].join('\n');
    const out = parseRoster(buf(csv));
    expect(out.rows.map((r) => r.dossierId)).toEqual(['H1']);
    expect(out.errors.map((e) => [e.row, e.code, e.column])).toEqual([
      [3, 'DUPLICATE_DOSSIER', 'Mã hồ sơ'],
      [4, 'INVALID_PHONE', 'Số điện thoại'],
      [5, 'INVALID_DATE', 'Ngày hoàn thành'],
      [6, 'FIELD_TOO_LONG', 'Họ và tên'],
      [7, 'MISSING_REQUIRED', 'Họ và tên'],
    ]);
    expect(JSON.stringify(out.errors)).not.toContain('abc');
  });

  it.each([
    ['', 'EMPTY_FILE'],
    ['\ufeff', 'EMPTY_FILE'],
    ['\n\n\n', 'EMPTY_FILE'],
    [HEADER, 'NO_DATA_ROWS'],
    ['a,b,c\n1,2,3\n', 'MISSING_HEADER'],
    ['Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực\nA,0912345678,H1,TP\n', 'MISSING_COLUMN'],
    [`${HEADER}\n"A,0912345678,H1,TP,U1,01/02/2026\n`, 'MALFORMED_CSV'],
  ])('refuses the whole file %j with %s', (csv, code) => {
    const error = failure(() => parseRoster(buf(csv)));
    expect(error.code).toBe(code);
    expect(error.statusCode).toBe(422);
  });

  it('names every missing column', () => {
    const error = failure(() =>
      parseRoster(buf('Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực\nA,0912345678,H1,TP\n')),
    );
    expect(error.message).toContain('Mã đơn vị');
    expect(error.message).toContain('Ngày hoàn thành');
  });

  it('refuses bytes that are not UTF-8 instead of storing mojibake', () => {
    const cp1258 = Buffer.concat([
      buf(`${HEADER}\n`),
      Buffer.from([0x4c, 0xea, 0x20, 0xd2]),
      buf(',0912345678,H1,TP,U1,01/02/2026\n'),
    ]);
    expect(failure(() => parseRoster(cp1258)).code).toBe('UNSUPPORTED_ENCODING');
  });
});
