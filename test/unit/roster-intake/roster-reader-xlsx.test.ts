import { describe, expect, it } from 'vitest';
import { fileError, HEADER, inPieces, readAll, xlsx } from './roster-fixtures.ts';

describe('readRoster — XLSX (rules 8, 13)', () => {
  it('skips an instructions sheet and merged title rows; reads rich text, numeric phones, dates, serials, formulas', async () => {
    const bytes = await xlsx((wb) => {
      const help = wb.addWorksheet('Hướng dẫn');
      help.addRow(['Điền danh sách ở trang sau.']);
      help.addRow(['Cột Họ và tên: bắt buộc']);
      const ws = wb.addWorksheet('Danh sách');
      ws.addRow(['UBND XÃ AN BÌNH — DANH SÁCH QUÝ I']);
      ws.mergeCells('A1:G1');
      ws.addRow([]);
      ws.addRow(['STT', ...HEADER]); // Excel row 3
      ws.addRow([
        1,
        { richText: [{ text: 'Nguyễn ', font: { bold: true } }, { text: 'Văn An' }] },
        912345678,
        'H1',
        'Tư pháp',
        'U1',
        new Date(Date.UTC(2026, 1, 1)),
      ]);
      ws.getCell('G4').numFmt = 'dd/mm/yyyy';
      ws.addRow([2, 'Trần Thị Bình', '0912 345 679', 'H2', 'TP', 'U2', 46054]); // bare serial
      ws.addRow([
        3,
        'Lê C',
        { formula: '"09"&"12345680"', result: '0912345680' },
        'H3',
        'DD',
        'U1',
        '31/12/2025',
      ]);
      ws.addRow([]);
      ws.addRow([4, 'Phạm D', 84912345681, 'H4', 'TP', 'U1', new Date(Date.UTC(2026, 11, 31, 23, 30))]);
      ws.getCell('G8').numFmt = 'dd/mm/yyyy hh:mm';
    });
    const out = await readAll(inPieces(bytes, 1000));
    expect(out.summary).toMatchObject({
      format: 'xlsx',
      sheet: 'Danh sách',
      headerRow: 3,
      dataRows: 4,
      accepted: 4,
      rejected: 0,
      ignoredBlank: 0,
    });
    expect(out.accepted.map((r) => [r.row, r.fullName, r.phoneE164, r.fieldCode, r.completedOn])).toEqual([
      [4, 'Nguyễn Văn An', '+84912345678', 'TP', '2026-02-01'],
      [5, 'Trần Thị Bình', '+84912345679', 'TP', '2026-02-01'],
      [6, 'Lê C', '+84912345680', 'DD', '2025-12-31'],
      [8, 'Phạm D', '+84912345681', 'TP', '2026-12-31'],
    ]);
  });

  it('a vertically merged data cell rejects the rows below its first (never a guessed value)', async () => {
    const bytes = await xlsx((wb) => {
      const ws = wb.addWorksheet('DS');
      ws.addRow(HEADER);
      ws.addRow(['A', '0912345678', 'H1', 'TP', 'U1', '01/02/2026']);
      ws.addRow(['B', '0912345679', 'H2', 'TP', null, '01/02/2026']);
      ws.addRow(['C', '0912345670', 'H3', 'TP', null, '01/02/2026']);
      ws.mergeCells('E2:E4');
      ws.addRow(['D', '0912345671', 'H4', 'TP', 'U2', '01/02/2026']);
    });
    const out = await readAll(bytes);
    expect(out.accepted.map((r) => [r.row, r.unitCode])).toEqual([
      [2, 'U1'],
      [5, 'U2'],
    ]);
    expect(out.rejected.map((r) => [r.row, r.issues.map((i) => [i.code, i.column])])).toEqual([
      [3, [['MISSING_REQUIRED', 'Mã đơn vị']]],
      [4, [['MISSING_REQUIRED', 'Mã đơn vị']]],
    ]);
  });

  it('TCVN3-font cells in a workbook are converted', async () => {
    const bytes = await xlsx((wb) => {
      const ws = wb.addWorksheet('DS');
      ws.addRow(['Hä vµ tªn', 'Sè ®iÖn tho¹i', 'M· hå s¬', 'LÜnh vùc', 'M· ®¬n vÞ', 'Ngµy hoµn thµnh']);
      ws.addRow(['TrÇn ThÞ B×nh', '0912345678', 'H1', 'TP', 'U1', '01/02/2026']);
    });
    const out = await readAll(bytes);
    expect(out.summary.legacyFont).toBe('TCVN3');
    expect(out.accepted[0]?.fullName).toBe('Trần Thị Bình');
  });

  it.each([
    [
      'a workbook with no header anywhere',
      (wb: import('exceljs').Workbook) => {
        wb.addWorksheet('A').addRow(['x', 'y']);
      },
      'MISSING_HEADER',
    ],
    [
      'an empty workbook sheet',
      (wb: import('exceljs').Workbook) => {
        wb.addWorksheet('A');
      },
      'EMPTY_FILE',
    ],
    [
      'a header only',
      (wb: import('exceljs').Workbook) => {
        wb.addWorksheet('A').addRow(HEADER);
      },
      'NO_DATA_ROWS',
    ],
    [
      'a missing column',
      (wb: import('exceljs').Workbook) => {
        wb.addWorksheet('A').addRow(HEADER.slice(0, 4));
      },
      'MISSING_COLUMN',
    ],
  ])('%s → %s', async (_what, build, code) => {
    expect((await fileError(await xlsx(build))).code).toBe(code);
  });

  it('a truncated workbook is UNSUPPORTED_FORMAT', async () => {
    const bytes = await xlsx((wb) => {
      const ws = wb.addWorksheet('A');
      ws.addRow(HEADER);
      for (let i = 0; i < 200; i++) ws.addRow([`N${i}`, '0912345678', `H${i}`, 'TP', 'U1', '01/02/2026']);
    });
    expect((await fileError(bytes.subarray(0, Math.floor(bytes.length / 2)))).code).toBe(
      'UNSUPPORTED_FORMAT',
    );
  });
});

describe('readRoster — XLSX text cut across stream chunks', () => {
  it('Vietnamese letters split by exceljs chunk boundaries arrive whole (no U+FFFD, nothing rejected)', async () => {
    const streets = ['Trần Hưng Đạo', 'Nguyễn Thị Minh Khai', 'Điện Biên Phủ', 'Hai Bà Trưng'];
    const names = Array.from({ length: 3000 }, (_, i) => `Nguyễn Văn Người ${i}`);
    const bytes = await xlsx((wb) => {
      const ws = wb.addWorksheet('DS');
      ws.addRow([...HEADER, 'Địa chỉ']);
      for (const [i, n] of names.entries()) {
        ws.addRow([n, '0912345678', `H${i}`, 'TP', 'U1', '01/02/2026', `Số ${i}, đường ${streets[i % 4]}`]);
      }
    });
    const out = await readAll(bytes);
    expect(out.rejected).toEqual([]);
    expect(out.accepted.map((r) => r.fullName)).toEqual(names);
    expect(out.accepted.every((r) => r.address?.startsWith('Số ') && !r.address.includes('\ufffd'))).toBe(
      true,
    );
  });
});
