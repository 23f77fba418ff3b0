/**
 * Roster parser benchmark (issue 8): rows/s and peak RSS of the process that parses, beside
 * the same run's engine ceiling (the raw library pass with no validation).
 *   npx tsx bench/roster-parse.ts [csvRows=1000000] [xlsxRows=100000]
 * Files are generated to the temp directory (the shape: name, phone, dossier, field,
 * unit, date, ~40-character address) and removed afterwards. Each pass runs in its own child
 * process so its peak RSS (getrusage maxrss) is its own.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { readRoster } from '../services/roster-intake/roster-parser.ts';

const UNITS = 20;
const FIELDS = 10;
const HEADER = [
  'Họ và tên',
  'Số điện thoại',
  'Mã hồ sơ',
  'Lĩnh vực',
  'Mã đơn vị',
  'Ngày hoàn thành',
  'Địa chỉ',
];
const STREETS = ['Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Thị Minh Khai', 'Hai Bà Trưng', 'Điện Biên Phủ'];

const rowCells = (i: number): Array<string | number> => [
  `Nguyễn Văn Người ${i}`,
  `09${String(i % 100_000_000).padStart(8, '0')}`,
  `HS-${i}`,
  `F${i % FIELDS}`,
  `U${i % UNITS}`,
  `${1 + (i % 28)}/${1 + (i % 12)}/2026`,
  `Số ${i % 500}, đường ${STREETS[i % STREETS.length]}, phường ${i % 30}, quận ${i % 12}`,
];

const writeCsv = async (path: string, rows: number) => {
  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write(`${HEADER.join(',')}\n`);
  let batch = '';
  for (let i = 0; i < rows; i++) {
    batch += `${rowCells(i).join(',')}\n`;
    if (batch.length > 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  await new Promise<void>((r) => out.end(() => r()));
  return out.bytesWritten;
};

const writeXlsx = async (path: string, rows: number) => {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const ws = wb.addWorksheet('Danh sách');
  ws.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) ws.addRow(rowCells(i)).commit();
  ws.commit();
  await wb.commit();
};

const catalogue = {
  knownUnits: new Set(Array.from({ length: UNITS }, (_, i) => `U${i}`)),
  fields: Array.from({ length: FIELDS }, (_, i) => ({ code: `F${i}`, name: `Lĩnh vực ${i}` })),
};

// ---- child: one pass, prints {rows, ms, maxRssMb} --------------------------------------------
const child = async (mode: string, path: string) => {
  const t0 = performance.now();
  let rows = 0;
  let accepted = 0;
  if (mode === 'raw-csv') {
    const parser = createReadStream(path).pipe(parse({ relax_column_count: true, bom: true }));
    for await (const _ of parser) rows++;
    rows--; // header
  } else if (mode === 'raw-xlsx') {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(path), {
      sharedStrings: 'cache',
      worksheets: 'emit',
      styles: 'cache',
      hyperlinks: 'ignore',
    });
    for await (const ws of reader) for await (const _ of ws as AsyncIterable<unknown>) rows++;
    rows--;
  } else {
    const reader = readRoster(createReadStream(path), catalogue);
    for await (const r of reader) {
      rows++;
      if (r.kind === 'accepted') accepted++;
    }
    if (reader.summary.dataRows !== rows) throw new Error('summary disagrees with the rows read');
  }
  const ms = performance.now() - t0;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ rows, accepted, ms, maxRssMb })}\n`);
};

const runChild = (mode: string, path: string) =>
  new Promise<{ rows: number; accepted: number; ms: number; maxRssMb: number }>((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', mode, path],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}'))
        : reject(new Error(`${mode} exited ${code}`)),
    );
  });

const line = (label: string, r: { rows: number; ms: number; maxRssMb: number }, extra = '') =>
  console.log(
    `${label.padEnd(44)} ${Math.round(r.rows / (r.ms / 1000))
      .toLocaleString('en')
      .padStart(
        9,
      )} rows/s  ${(r.ms / 1000).toFixed(1).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0).padStart(4)} MB${extra}`,
  );

const main = async () => {
  const csvRows = Number(process.argv[2] ?? 1_000_000);
  const xlsxRows = Number(process.argv[3] ?? 100_000);
  const base = join(tmpdir(), `dieutra-roster-bench-${process.pid}`);
  const csvPath = `${base}.csv`;
  const xlsxPath = `${base}.xlsx`;
  try {
    const size = await writeCsv(csvPath, csvRows);
    console.log(
      `CSV ${csvRows.toLocaleString('en')} rows, ${(size / 1024 / 1024).toFixed(0)} MB (with addresses)`,
    );
    const raw = await runChild('raw-csv', csvPath);
    line('  csv-parse raw pass (engine ceiling)', raw);
    const ours = await runChild('reader', csvPath);
    line(
      '  readRoster (decode + validate + dedupe)',
      ours,
      `  = ${((100 * raw.ms) / ours.ms).toFixed(0)}% of ceiling, ${ours.accepted.toLocaleString('en')} accepted`,
    );
    await writeXlsx(xlsxPath, xlsxRows);
    console.log(`XLSX ${xlsxRows.toLocaleString('en')} rows`);
    const rawX = await runChild('raw-xlsx', xlsxPath);
    line('  exceljs streaming raw read (engine ceiling)', rawX);
    const oursX = await runChild('reader', xlsxPath);
    line(
      '  readRoster XLSX',
      oursX,
      `  = ${((100 * rawX.ms) / oursX.ms).toFixed(0)}% of ceiling, ${oursX.accepted.toLocaleString('en')} accepted`,
    );
  } finally {
    rmSync(csvPath, { force: true });
    rmSync(xlsxPath, { force: true });
  }
};

if (process.argv[2] === 'child') await child(process.argv[3] ?? '', process.argv[4] ?? '');
else await main();
