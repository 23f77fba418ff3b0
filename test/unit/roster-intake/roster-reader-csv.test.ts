import { describe, expect, it } from 'vitest';
import { readRoster } from '../../../services/roster-intake/roster-parser.ts';
import { cp1258, fileError, HEADER, inPieces, readAll, utf16be, utf16le } from './roster-fixtures.ts';

const line = (cells: string[], d = ',') => cells.join(d);
const row = (name: string, phone: string, dossier: string, d = ',') =>
  line([name, phone, dossier, 'Tư pháp', 'U1', '01/02/2026'], d);

describe('readRoster — CSV dialects and row numbers (rules 2, 3)', () => {
  it('UTF-8 with BOM, title rows above the header, blank lines counted, quoted multi-line cell one row', async () => {
    const csv = [
      'UBND XÃ AN BÌNH,,,,,',
      'DANH SÁCH NGƯỜI DÂN GIAO DỊCH QUÝ I,,,,,',
      '',
      line(['STT', ...HEADER, 'Ghi chú']),
      line(['1', 'Lê Thị\u00a0\u00a0Lan ', '0912 345 678', 'H1', 'tư pháp', 'u1', '1/2/2026', 'x']),
      '',
      ',,,,,,,',
      line(['2', '"Trần\nVăn B"', '0912345679', 'H2', 'TP', 'U2', '2026-03-04', '']),
      line(['3', 'Phạm C', '912345680', 'H3', 'Đất đai', 'U1', '31/12/2025', '']),
    ].join('\r\n');
    const out = await readAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    expect(
      out.accepted.map((r) => [r.row, r.fullName, r.phoneE164, r.fieldCode, r.unitCode, r.completedOn]),
    ).toEqual([
      [5, 'Lê Thị Lan', '+84912345678', 'TP', 'U1', '2026-02-01'],
      [8, 'Trần Văn B', '+84912345679', 'TP', 'U2', '2026-03-04'],
      [9, 'Phạm C', '+84912345680', 'DD', 'U1', '2025-12-31'],
    ]);
    expect(out.rejected).toEqual([]);
    expect(out.summary).toMatchObject({
      format: 'csv',
      encoding: 'UTF-8',
      delimiter: ',',
      headerRow: 4,
      dataRows: 3,
      accepted: 3,
      rejected: 0,
      ignoredBlank: 2,
      warned: 0,
      legacyFont: null,
    });
  });

  it.each([
    [';', '\r\n'],
    ['\t', '\n'],
    [',', '\r'],
  ])('delimiter %j with line ending %j, RFC 4180 quotes, no final newline', async (d, eol) => {
    const csv = [
      line(HEADER, d),
      row('"Nguyễn ""Tí"" Văn"', '0912345678', 'H1', d),
      row(`"Họ${d}Tên"`, '0912345679', 'H2', d),
    ].join(eol);
    const out = await readAll(Buffer.from(csv));
    expect(out.summary.delimiter).toBe(d);
    expect(out.accepted.map((r) => [r.row, r.fullName])).toEqual([
      [2, 'Nguyễn "Tí" Văn'],
      [3, `Họ${d === '\t' ? ' ' : d}Tên`],
    ]);
  });

  it('an unterminated quote refuses the whole file (MALFORMED_CSV), streamed or not', async () => {
    const csv = `${line(HEADER)}\n${row('A', '0912345678', 'H1')}\n"B,0912345679,H2,TP,U1,01/02/2026\n${row('C', '0912345670', 'H3')}\n`;
    const error = await fileError(inPieces(Buffer.from(csv), 5));
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.statusCode).toBe(422);
    expect(error.message).toMatch(/ngoặc kép/);
  });
});

describe('readRoster — encodings (rule 1)', () => {
  const text = (d: string) =>
    `${line(HEADER, d)}\n${row('"Nguyễn ""Văn"" Ánh"', '0912345678', 'H1', d)}\n${row('Đặng Thị Hồng Nhung', '01662345678', 'H2', d)}\n`;

  it('Excel "Unicode Text": UTF-16LE with BOM, TAB, doubled quotes — read in 3-byte pieces', async () => {
    const out = await readAll(inPieces(utf16le(text('\t')), 3));
    expect(out.summary).toMatchObject({ encoding: 'UTF-16LE', delimiter: '\t', accepted: 2, rejected: 0 });
    expect(out.accepted.map((r) => r.fullName)).toEqual(['Nguyễn "Văn" Ánh', 'Đặng Thị Hồng Nhung']);
    expect(out.accepted[1]).toMatchObject({
      phoneE164: '+84362345678',
      warnings: [{ code: 'PHONE_LEGACY_CONVERTED' }],
    });
    expect(out.summary.warned).toBe(1);
  });

  it('UTF-16BE with BOM', async () => {
    const out = await readAll(utf16be(text(',')));
    expect(out.summary).toMatchObject({ encoding: 'UTF-16BE', accepted: 2 });
    expect(out.accepted[0]?.fullName).toBe('Nguyễn "Văn" Ánh');
  });

  it('UTF-8 without BOM, multi-byte letters cut across 1-byte chunks', async () => {
    const out = await readAll(inPieces(Buffer.from(text(';')), 1));
    expect(out.summary).toMatchObject({ encoding: 'UTF-8', delimiter: ';', accepted: 2 });
    expect(out.accepted[1]?.fullName).toBe('Đặng Thị Hồng Nhung');
  });

  it('Windows-1258 without BOM: decoded, combining tone marks composed to NFC', async () => {
    const bytes = cp1258(text(';'));
    expect(bytes.includes(0xde)).toBe(true); // the combining tilde of "Nguyễn" is its own byte
    const out = await readAll(inPieces(bytes, 4));
    expect(out.summary).toMatchObject({ encoding: 'Windows-1258', accepted: 2, rejected: 0 });
    const names = out.accepted.map((r) => r.fullName);
    expect(names).toEqual(['Nguyễn "Văn" Ánh', 'Đặng Thị Hồng Nhung']);
    for (const n of names) {
      expect(n).toBe(n.normalize('NFC'));
      expect(n).not.toContain('\ufffd');
    }
  });

  // TCVN3 bytes written from the font's published table: "Họ và tên" is "Hä vµ tªn".
  const TCVN3_HEADER = 'Hä vµ tªn,Sè ®iÖn tho¹i,M· hå s¬,LÜnh vùc,M· ®¬n vÞ,Ngµy hoµn thµnh';
  const TCVN3_ROW = 'NguyÔn V¨n An,0912345678,H1,T­ ph¸p,U1,01/02/2026'; // Tư pháp: ư = 0xAD

  it('raw TCVN3 (ABC) bytes are converted to Unicode', async () => {
    const out = await readAll(Buffer.from(`${TCVN3_HEADER}\n${TCVN3_ROW}\n`, 'latin1'));
    expect(out.summary).toMatchObject({ encoding: 'TCVN3 (ABC)', accepted: 1, rejected: 0 });
    expect(out.accepted[0]).toMatchObject({ fullName: 'Nguyễn Văn An', field: 'Tư pháp', fieldCode: 'TP' });
  });

  it('TCVN3 text saved by Excel as UTF-8 (look-alike characters) is converted too', async () => {
    const out = await readAll(Buffer.from(`${TCVN3_HEADER}\n${TCVN3_ROW}\n`, 'utf8'));
    expect(out.summary).toMatchObject({ encoding: 'UTF-8', legacyFont: 'TCVN3', accepted: 1 });
    expect(out.accepted[0]?.fullName).toBe('Nguyễn Văn An');
  });

  it('VNI-font text is refused with UNSUPPORTED_ENCODING naming VNI (bytes or look-alike text)', async () => {
    const vni =
      'Hoï vaø teân,Soá ñieän thoaïi,Maõ hoà sô,Lónh vöïc,Maõ ñôn vò,Ngaøy hoaøn thaønh\nA,0912345678,H1,TP,U1,01/02/2026\n';
    for (const bytes of [Buffer.from(vni, 'latin1'), Buffer.from(vni, 'utf8')]) {
      const error = await fileError(bytes);
      expect(error.code).toBe('UNSUPPORTED_ENCODING');
      expect(error.message).toContain('VNI');
    }
  });

  it('UTF-8 header with Windows-1258 rows is an encoding error, not a missing header', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${line(HEADER)}\n`),
      cp1258('Lê Thị,0912345678,H1,TP,U1,01/02/2026\n'),
    ]);
    expect((await fileError(bytes)).code).toBe('UNSUPPORTED_ENCODING');
  });

  it('foreign bytes far below a UTF-8 start stop the import with UNSUPPORTED_ENCODING', async () => {
    const good = Array.from({ length: 2000 }, (_, i) =>
      row(`Người ${i}`, `09${String(i).padStart(8, '0')}`, `H${i}`),
    );
    const bytes = Buffer.concat([
      Buffer.from(`${line(HEADER)}\n${good.join('\n')}\n`),
      cp1258('Lê Thị,0912345678,HX,TP,U1,01/02/2026\n'),
    ]);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    expect((await fileError(inPieces(bytes, 4096))).code).toBe('UNSUPPORTED_ENCODING');
  });

  it('UTF-16 without BOM is named as such', async () => {
    const error = await fileError(Buffer.from(text('\t'), 'utf16le'));
    expect(error.code).toBe('UNSUPPORTED_ENCODING');
    expect(error.message).toContain('UTF-16');
  });
});

describe('readRoster — headers (rule 4) and whole-file failures (rule 12)', () => {
  it('recognises aliases in any order ignoring case, diacritics, spaces, underscores and hyphens', async () => {
    const csv =
      'stt,MA_DON_VI,so dien thoai,HO-TEN,ma ho so,linh_vuc,NGAY TRA KET QUA,Địa chỉ,Năm sinh,Giới tính,Email\n1,U1,0912345678,An,H1,TP,01/02/2026, 12  Lê Lợi ,1980,Nữ,a@b.c\n';
    const out = await readAll(Buffer.from(csv));
    expect(out.accepted).toEqual([
      {
        kind: 'accepted',
        row: 2,
        fullName: 'An',
        phoneE164: '+84912345678',
        phoneKind: 'mobile',
        dossierId: 'H1',
        field: 'TP',
        fieldCode: 'TP',
        unitCode: 'U1',
        completedOn: '2026-02-01',
        address: '12 Lê Lợi',
        birthYear: 1980,
        sex: 'Nữ',
        warnings: [],
      },
    ]);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'EMPTY_FILE'],
    ['a BOM only', Buffer.from([0xef, 0xbb, 0xbf]), 'EMPTY_FILE'],
    ['blank lines only', Buffer.from('\r\n\n,,\n'), 'EMPTY_FILE'],
    ['a header only', Buffer.from(`${line(HEADER)}\n\n`), 'NO_DATA_ROWS'],
    ['no header in 20 rows', Buffer.from('a,b,c\n1,2,3\n'), 'MISSING_HEADER'],
    [
      'the header on row 21',
      Buffer.from(`${'x,y\n'.repeat(20)}${line(HEADER)}\n${row('A', '0912345678', 'H1')}\n`),
      'MISSING_HEADER',
    ],
    [
      'an old .xls',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      'UNSUPPORTED_FORMAT',
    ],
    [
      'binary bytes',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      'UNSUPPORTED_FORMAT',
    ],
    ['a damaged ZIP', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]), 'UNSUPPORTED_FORMAT'],
  ])('%s → %s', async (_what, bytes, code) => {
    const error = await fileError(bytes);
    expect(error.code).toBe(code);
    expect(error.statusCode).toBe(422);
    expect(error.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
  });

  it('MISSING_COLUMN names every missing column', async () => {
    const error = await fileError(
      Buffer.from('Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực\nA,0912345678,H1,TP\n'),
    );
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toContain('Mã đơn vị');
    expect(error.message).toContain('Ngày hoàn thành');
    expect(error.details?.map((d) => d.column)).toEqual(['Mã đơn vị', 'Ngày hoàn thành']);
  });

  it('summary is only available once every row was read', async () => {
    const reader = readRoster(Buffer.from(`${line(HEADER)}\n${row('A', '0912345678', 'H1')}\n`), {});
    expect(() => reader.summary).toThrow();
    for await (const _ of reader);
    expect(reader.summary.accepted).toBe(1);
  });
});

describe('readRoster — row checks (rules 5–11)', () => {
  it('reports every problem of a row with column, original value and code; other rows go on', async () => {
    const long = 'E'.repeat(1001);
    const csv = [
      line(HEADER),
      row('A', '0912345678', 'H1'), // 2 ok
      row('B', '0912345678', 'H1'), // 3 duplicate of row 2
      line(['', 'không có', 'H4', 'Tư pháp', 'U1', '30/02/2026']), // 4 three problems
      line([long, '0912345678', 'H5', 'TP', 'U1', '01/02/2026']), // 5 too long
      line(['C', '0912345678', 'H6', 'Y tế', 'U9', '01/02/2026']), // 6 unknown field and unit
      line(['D', '024 3825 1234', 'H7', 'TP', 'U1', '01/02/2026']), // 7 landline: accepted, warned
      line(['E', '0912345678', 'H8', 'TP', 'U1', '05/03/2026']), // 8 ok
      line(['F\ufffd', '0912345678', 'H9', 'TP', 'U1', '05/03/2026']), // 9 damaged text
    ].join('\n');
    const out = await readAll(Buffer.from(csv));
    expect(out.accepted.map((r) => r.row)).toEqual([2, 7, 8]);
    expect(out.accepted[1]).toMatchObject({ phoneE164: '+842438251234', phoneKind: 'landline' });
    expect(out.accepted[1]?.warnings).toEqual([
      {
        row: 7,
        column: 'Số điện thoại',
        value: '024 3825 1234',
        code: 'PHONE_LANDLINE',
        message: expect.any(String),
      },
    ]);
    const issues = out.rejected.flatMap((r) => r.issues.map((i) => [i.row, i.column, i.code, i.value]));
    expect(issues).toEqual([
      [3, 'Mã hồ sơ', 'DUPLICATE_DOSSIER', 'H1'],
      [4, 'Họ và tên', 'MISSING_REQUIRED', ''],
      [4, 'Số điện thoại', 'INVALID_PHONE', 'không có'],
      [4, 'Ngày hoàn thành', 'INVALID_DATE', '30/02/2026'],
      [5, 'Họ và tên', 'FIELD_TOO_LONG', 'E'.repeat(200)],
      [6, 'Mã đơn vị', 'UNKNOWN_UNIT', 'U9'],
      [6, 'Lĩnh vực', 'UNKNOWN_FIELD', 'Y tế'],
      [9, 'Họ và tên', 'INVALID_CHARACTER', 'F\ufffd'],
    ]);
    expect(out.summary).toMatchObject({ dataRows: 8, accepted: 3, rejected: 5, warned: 1, ignoredBlank: 0 });
    for (const r of out.rejected) for (const i of r.issues) expect(i.message.length).toBeGreaterThan(5);
  });

  it('the duplicate check keeps the first accepted row, not a rejected one', async () => {
    const csv = [
      line(HEADER),
      row('A', 'abc', 'H1'),
      row('B', '0912345678', 'H1'),
      row('C', '0912345679', 'H1'),
    ].join('\n');
    const out = await readAll(Buffer.from(csv));
    expect(out.accepted.map((r) => r.row)).toEqual([3]);
    expect(out.rejected.map((r) => [r.row, r.issues[0]?.code])).toEqual([
      [2, 'INVALID_PHONE'],
      [4, 'DUPLICATE_DOSSIER'],
    ]);
  });

  it('maxCellChars is the FIELD_TOO_LONG limit', async () => {
    const csv = `${line(HEADER)}\n${row('Nguyễn Văn An', '0912345678', 'H1')}\n`;
    const out = await readAll(Buffer.from(csv), { maxCellChars: 5 });
    expect(out.rejected[0]?.issues.map((i) => i.code)).toContain('FIELD_TOO_LONG');
  });
});
