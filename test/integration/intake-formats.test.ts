/**
 * Issue 8 item 1 over HTTP on the local runtime: every format, encoding and header variant a
 * commune office sends, uploaded through the gateway, with exact accepted / rejected / ignored
 * counts and the normalised values read back through GET …/respondents. File-level failures
 * answer 422 with one Vietnamese message and code and write nothing; a row failure never stops
 * the other rows. Fixtures are built here (exceljs, iconv-lite).
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { countRoundItems } from './support/dynamo.ts';
import {
  allRespondents,
  byName,
  createRosterRound,
  importRoster,
  uploadRoster,
  XLSX_TYPE,
} from './support/roster.ts';

const HEADER = [
  'Họ và tên',
  'Số điện thoại',
  'Mã hồ sơ',
  'Lĩnh vực',
  'Mã đơn vị',
  'Ngày hoàn thành',
  'Địa chỉ',
];

/** RFC 4180 quoting for any delimiter. */
const cell = (value: string, delimiter: string): string =>
  /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
const csv = (rows: string[][], delimiter = ',', eol = '\r\n'): string =>
  rows.map((r) => r.map((c) => cell(c, delimiter)).join(delimiter)).join(eol) + eol;

/**
 * The same roster in every variant: row 2 accepted (address with the delimiter characters), row 3
 * blank (ignored), row 4 rejected (phone too short), row 5 accepted with a phone that lost its
 * leading zero and a field given by code and an ISO date.
 */
const ROWS: string[][] = [
  HEADER,
  ['Nguyễn Văn An', '0912 345 678', 'H1', 'Tư pháp', 'U1', '05/03/2026', 'Số 5, ngõ 3; phố Huế'],
  ['', '', '', '', '', '', ''],
  ['Trần Thị Bình', '12345', 'H2', 'Đất đai', 'U1', '06/03/2026', ''],
  ['Lê Văn Cường', '912345679', 'H3', 'DD', 'U1', '2026-03-07', ''],
];

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) =>
  Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
/** Windows-1258 as Vietnamese Windows writes it: base letter + combining tone mark. */
const cp1258 = (text: string): Buffer =>
  Buffer.concat(
    [...text.normalize('NFC')].map((ch) => {
      const direct = iconv.encode(ch, 'windows1258');
      if (iconv.decode(direct, 'windows1258') === ch) return direct;
      const nfd = ch.normalize('NFD');
      const tone = nfd.match(/[\u0300\u0301\u0303\u0309\u0323]/)?.[0] ?? '';
      return Buffer.concat([
        iconv.encode(nfd.replace(tone, '').normalize('NFC'), 'windows1258'),
        iconv.encode(tone, 'windows1258'),
      ]);
    }),
  );

/**
 * Non-UTF-8 files go byte-exact: a text-typed body reaches the handler as a UTF-8 string (API
 * Gateway's rule, mirrored by the local gateway), so the console sends files as octet-stream.
 */
const BYTES = 'application/octet-stream';

/** Uploads the standard roster in one variant and checks counts and read-back values. */
const expectStandardImport = async (bytes: string | Buffer, type: string) => {
  const roundId = await createRosterRound(['U1']);
  const done = await importRoster(roundId, bytes, type);
  expect(done.counts).toEqual({ read: 3, accepted: 2, rejected: 1, merged: 0, warned: 0, ignoredBlank: 1 });
  expect(done.errors).toEqual([
    expect.objectContaining({ row: 4, column: 'Số điện thoại', code: 'INVALID_PHONE' }),
  ]);
  const people = byName(await allRespondents(roundId));
  expect([...people.keys()].sort()).toEqual(['Lê Văn Cường', 'Nguyễn Văn An']);
  expect(people.get('Nguyễn Văn An')).toMatchObject({
    phone: '+84912345678',
    phoneKind: 'mobile',
    address: 'Số 5, ngõ 3; phố Huế',
    warnings: [],
    dossiers: [{ dossierId: 'H1', unitCode: 'U1', fieldCode: 'TP', completedOn: '2026-03-05', row: 2 }],
  });
  expect(people.get('Lê Văn Cường')).toMatchObject({
    phone: '+84912345679',
    dossiers: [{ dossierId: 'H3', fieldCode: 'DD', completedOn: '2026-03-07', row: 5 }],
  });
  for (const p of people.values()) expect(p.fullName).toBe(p.fullName.normalize('NFC'));
  return { roundId, done };
};

describe('roster formats and encodings over HTTP', () => {
  it('UTF-8 without BOM, comma', async () => {
    await expectStandardImport(csv(ROWS), 'text/csv');
  });

  it('UTF-8 with BOM, semicolon (Excel with Vietnamese regional settings)', async () => {
    await expectStandardImport(Buffer.from(`\ufeff${csv(ROWS, ';')}`, 'utf8'), 'text/csv');
  });

  it('Excel "Unicode Text": UTF-16LE with BOM, TAB, a name in doubled quotes', async () => {
    const rows = ROWS.map((r) => [...r]);
    rows.push(['Phạm "Tí" Dũng', '0987654321', 'H4', 'TP', 'U1', '08/03/2026', 'Thôn\tĐông']);
    const body = utf16le(csv(rows, '\t'));
    // The quoted name arrives as "Phạm ""Tí"" Dũng" in the file.
    expect(body.toString('utf16le')).toContain('"Phạm ""Tí"" Dũng"');
    const roundId = await createRosterRound(['U1']);
    const done = await importRoster(roundId, body, BYTES, 'ds.txt');
    expect(done.counts).toMatchObject({ read: 4, accepted: 3, rejected: 1, ignoredBlank: 1 });
    const people = byName(await allRespondents(roundId));
    expect(people.get('Phạm "Tí" Dũng')).toMatchObject({ phone: '+84987654321', address: 'Thôn Đông' });
    expect(people.get('Nguyễn Văn An')?.address).toBe('Số 5, ngõ 3; phố Huế');
  });

  it('UTF-16BE with BOM', async () => {
    await expectStandardImport(utf16be(csv(ROWS)), BYTES);
  });

  it('Windows-1258 without BOM: decoded and composed to NFC', async () => {
    const bytes = cp1258(csv(ROWS));
    // The fixture really is decomposed cp1258 (a tone mark byte after its base letter), not UTF-8.
    expect(iconv.decode(bytes, 'windows1258')).not.toBe(iconv.decode(bytes, 'windows1258').normalize('NFC'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    await expectStandardImport(bytes, BYTES);
  });

  it('TCVN3 (ABC) font text is converted to Unicode', async () => {
    // TCVN3 bytes from the font's table: "Họ và tên" is "Hä vµ tªn", "Nguyễn Văn An" is "NguyÔn V¨n An".
    const body = Buffer.from(
      [
        'Hä vµ tªn,Sè ®iÖn tho¹i,M· hå s¬,LÜnh vùc,M· ®¬n vÞ,Ngµy hoµn thµnh',
        'NguyÔn V¨n An,0912345678,H1,T\u00ad ph¸p,U1,01/02/2026',
        'TrÇn ThÞ B×nh,0912345679,H2,§Êt ®ai,U1,02/02/2026',
        '',
      ].join('\r\n'),
      'latin1',
    );
    const roundId = await createRosterRound(['U1']);
    const done = await importRoster(roundId, body, BYTES);
    expect(done.counts).toMatchObject({ read: 2, accepted: 2, rejected: 0, ignoredBlank: 0 });
    const people = byName(await allRespondents(roundId));
    expect(people.get('Nguyễn Văn An')?.dossiers[0]).toMatchObject({
      fieldCode: 'TP',
      completedOn: '2026-02-01',
    });
    expect(people.get('Trần Thị Bình')?.dossiers[0]).toMatchObject({ fieldCode: 'DD' });
  });

  it('VNI font text is refused as UNSUPPORTED_ENCODING naming VNI; nothing written', async () => {
    const roundId = await createRosterRound(['U1']);
    const vni =
      'Hoï vaø teân,Soá ñieän thoaïi,Maõ hoà sô,Lónh vöïc,Maõ ñôn vò,Ngaøy hoaøn thaønh\r\nA,0912345678,H1,TP,U1,01/02/2026\r\n';
    const res = await uploadRoster(roundId, Buffer.from(vni, 'latin1'), BYTES);
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('UNSUPPORTED_ENCODING');
    expect(res.json.error.message).toContain('VNI');
    expect(await countRoundItems(roundId, 'IMPORT#')).toBe(0);
    expect(await allRespondents(roundId)).toEqual([]);
  });

  it.each([
    [',', 'comma'],
    [';', 'semicolon'],
    ['\t', 'TAB'],
  ])(
    'RFC 4180 quoting with the %s delimiter (%s): delimiters, doubled quotes, CR/LF inside quotes',
    async (delimiter) => {
      const rows = [
        HEADER,
        [
          'Đỗ "Bé" Hoa',
          '0912000001',
          'Q1',
          'TP',
          'U1',
          '01/02/2026',
          `Xóm 1${delimiter} xã Yên\r\nhuyện Ý Yên`,
        ],
        ['Hồ Văn Em', 'không có', 'Q2', 'TP', 'U1', '01/02/2026', ''],
        ['Vũ Thị Gấm', '0912000003', 'Q3', 'TP', 'U1', '1/2/2026', 'a, b; c\td'],
      ];
      const roundId = await createRosterRound(['U1']);
      const done = await importRoster(roundId, csv(rows, delimiter), 'text/csv');
      // The multi-line cell does not start a new row (rule 3): the bad phone is on row 3.
      expect(done.counts).toMatchObject({ read: 3, accepted: 2, rejected: 1, ignoredBlank: 0 });
      expect(done.errors).toEqual([expect.objectContaining({ row: 3, code: 'INVALID_PHONE' })]);
      const people = byName(await allRespondents(roundId));
      // Text is normalised (rule 6): the line break inside the cell collapses to one space.
      const address =
        delimiter === '\t' ? 'Xóm 1 xã Yên huyện Ý Yên' : `Xóm 1${delimiter} xã Yên huyện Ý Yên`;
      expect(people.get('Đỗ "Bé" Hoa')?.address).toBe(address);
      expect(people.get('Vũ Thị Gấm')?.dossiers[0]?.row).toBe(4);
    },
  );

  it('XLSX with title rows, merged title cells, numeric phones without their zero and Excel dates', async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Danh sách');
    ws.addRow(['ỦY BAN NHÂN DÂN XÃ AN BÌNH']);
    ws.mergeCells('A1:H1');
    ws.addRow(['DANH SÁCH NGƯỜI DÂN ĐÃ GIẢI QUYẾT HỒ SƠ — QUÝ I/2026']);
    ws.mergeCells('A2:H2');
    ws.addRow([]);
    ws.addRow(['STT', ...HEADER]); // Excel row 4
    ws.addRow([1, 'Nguyễn Văn An', 912345678, 'H1', 'Tư pháp', 'U1', new Date(Date.UTC(2026, 2, 5)), 'Số 5']);
    ws.getCell('G5').numFmt = 'dd/mm/yyyy';
    ws.addRow([2, 'Trần Thị Bình', 12345, 'H2', 'TP', 'U1', 46054, '']); // bad phone; bare serial
    ws.addRow(['', '   ']); // blank: spaces only
    ws.addRow([3, 'Lê Văn Cường', 84912345679, 'H3', 'DD', 'U1', 46054, '']); // +84 as a number, serial date
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const roundId = await createRosterRound(['U1']);
    const done = await importRoster(roundId, bytes, XLSX_TYPE, 'ds.xlsx');
    expect(done.counts).toEqual({ read: 3, accepted: 2, rejected: 1, merged: 0, warned: 0, ignoredBlank: 1 });
    expect(done.errors).toEqual([expect.objectContaining({ row: 6, code: 'INVALID_PHONE' })]);
    const people = byName(await allRespondents(roundId));
    expect(people.get('Nguyễn Văn An')).toMatchObject({
      phone: '+84912345678',
      address: 'Số 5',
      dossiers: [{ dossierId: 'H1', fieldCode: 'TP', completedOn: '2026-03-05', row: 5 }],
    });
    expect(people.get('Lê Văn Cường')).toMatchObject({
      phone: '+84912345679',
      dossiers: [{ dossierId: 'H3', fieldCode: 'DD', completedOn: '2026-02-01', row: 8 }],
    });
  });

  it('CSV numbers that lost their leading zero and bare Excel serial dates', async () => {
    const rows = [
      HEADER,
      ['Mai Văn Hùng', '987654321', 'S1', 'TP', 'U1', '46054', ''],
      ['Mai Thị Lụa', '2439876543', 'S2', 'TP', 'U1', '46055', ''], // landline 024… without its zero
    ];
    const roundId = await createRosterRound(['U1']);
    const done = await importRoster(roundId, csv(rows));
    expect(done.counts).toMatchObject({ read: 2, accepted: 2, rejected: 0, warned: 1 });
    const people = byName(await allRespondents(roundId));
    expect(people.get('Mai Văn Hùng')).toMatchObject({
      phone: '+84987654321',
      dossiers: [{ completedOn: '2026-02-01' }],
    });
    expect(people.get('Mai Thị Lụa')).toMatchObject({
      phone: '+842439876543',
      phoneKind: 'landline',
      warnings: ['PHONE_LANDLINE'],
      dossiers: [{ completedOn: '2026-02-02', warnings: ['PHONE_LANDLINE'] }],
    });
  });
});

describe('file-level failures over HTTP: 422, one Vietnamese message, nothing written', () => {
  const head = csv([HEADER]);
  const cases: Array<[string, Buffer | string, string, string]> = [
    ['empty', '', 'text/csv', 'EMPTY_FILE'],
    ['BOM only', Buffer.from([0xef, 0xbb, 0xbf]), 'text/csv', 'EMPTY_FILE'],
    ['blank lines only', '\r\n\r\n,,,\r\n', 'text/csv', 'EMPTY_FILE'],
    ['header only', head, 'text/csv', 'NO_DATA_ROWS'],
    [
      'not a spreadsheet (a PDF)',
      Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1'),
      'application/octet-stream',
      'UNSUPPORTED_FORMAT',
    ],
    [
      'not a spreadsheet (a PNG image)',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      BYTES,
      'UNSUPPORTED_FORMAT',
    ],
    [
      'missing required column',
      csv([HEADER.filter((h) => h !== 'Mã hồ sơ'), ['A', '0912345678', 'TP', 'U1', '01/02/2026', '']]),
      'text/csv',
      'MISSING_COLUMN',
    ],
    [
      'wrong encoding (UTF-8 header, Windows-1258 rows)',
      Buffer.concat([Buffer.from(head), cp1258('Lê Thị Lành,0912345678,H1,TP,U1,01/02/2026,Đông\r\n')]),
      BYTES,
      'UNSUPPORTED_ENCODING',
    ],
    [
      'a Windows-1258 file sent as text/csv (transcoded on the way): an encoding error, not MISSING_HEADER',
      cp1258(csv(ROWS)),
      'text/csv',
      'UNSUPPORTED_ENCODING',
    ],
    [
      'Unicode Text sent as text/plain (transcoded on the way)',
      utf16le(csv(ROWS, '\t')),
      'text/plain',
      'UNSUPPORTED_ENCODING',
    ],
  ];

  it.each(cases)('%s', async (_name, body, type, code) => {
    const roundId = await createRosterRound(['U1']);
    const res = await uploadRoster(roundId, body, type);
    expect(res.status, res.text).toBe(422);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.message).toMatch(/[ạảãáàăâêôơưđ]/i);
    if (code === 'MISSING_COLUMN') expect(res.json.error.message).toContain('Mã hồ sơ');
    expect(await countRoundItems(roundId, 'IMPORT#')).toBe(0);
    expect(await countRoundItems(roundId, 'DOSSIER#')).toBe(0);
    expect(await countRoundItems(roundId, 'PERSON#')).toBe(0);
    expect(await allRespondents(roundId)).toEqual([]);
  });

  it('a row-level failure never stops the other rows', async () => {
    const rows = [HEADER];
    for (let i = 1; i <= 30; i++) {
      const bad = i % 3 === 0;
      rows.push([
        bad ? '' : `Người Thứ ${i}`,
        i % 5 === 0 ? 'abc' : `0912${String(i).padStart(6, '0')}`,
        `R${i}`,
        i % 7 === 0 ? 'Không có lĩnh vực này' : 'TP',
        'U1',
        i % 11 === 0 ? '31/02/2026' : '01/02/2026',
        '',
      ]);
    }
    const expectedBad = rows.slice(1).filter((_, j) => {
      const i = j + 1;
      return i % 3 === 0 || i % 5 === 0 || i % 7 === 0 || i % 11 === 0;
    }).length;
    const roundId = await createRosterRound(['U1']);
    const done = await importRoster(roundId, csv(rows));
    expect(done.counts).toMatchObject({ read: 30, accepted: 30 - expectedBad, rejected: expectedBad });
    expect(new Set(done.errors.map((e: { row: number }) => e.row)).size).toBe(expectedBad);
    expect(await allRespondents(roundId)).toHaveLength(30 - expectedBad);
  });

  it('arbitrary bytes never answer a 5xx, and a refused file writes nothing', async () => {
    const roundId = await createRosterRound(['U1']);
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([Buffer.from(csv([HEADER])), b])),
      ),
      { numRuns: 25, seed: 8 },
    );
    for (const bytes of samples) {
      const res = await uploadRoster(roundId, Buffer.from(bytes), 'application/octet-stream');
      expect(res.status, res.text).toBeLessThan(500);
      expect([202, 422]).toContain(res.status);
      expect(res.json.error?.message ?? 'ok').not.toMatch(/internal/i);
    }
  }, 60_000);
});
