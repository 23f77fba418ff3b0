/**
 * Writes the example questionnaire as an Excel workbook, the format a Sở clerk fills in:
 *   npx tsx docs/examples/build-xlsx.ts [out.xlsx]   (default: docs/examples/sipas-2026-questionnaire.xlsx)
 * The workbook is generated, not committed: the CSV beside this script is the source. One sheet holds
 * the header block and the question table exactly as in the CSV, so the service's XLSX reader turns it
 * back into the same grid (test/unit/domain/questionnaire-import.test.ts checks the round trip).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { parseCsvRecords } from '../../shared/domain/csv.ts';

const CSV = new URL('./sipas-2026-questionnaire.csv', import.meta.url);

/** Column widths (characters) by position: id, section, section title, text, type, options, …. */
const WIDTHS = [14, 12, 28, 60, 12, 50, 9, 8, 11, 9, 11, 9, 9, 16];

export async function questionnaireXlsx(csvText: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Phiếu khảo sát');
  const grid = parseCsvRecords(csvText);
  const headerRow = grid.findIndex((r) => r.includes('Mã câu hỏi')) + 1;
  for (const record of grid) sheet.addRow(record);
  WIDTHS.forEach((w, i) => {
    sheet.getColumn(i + 1).width = w;
  });
  sheet.getRow(headerRow).font = { bold: true };
  sheet.getRow(1).font = { bold: true };
  // Keep the header in view while scrolling through 68 questions.
  sheet.views = [{ state: 'frozen', ySplit: headerRow }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A sheet back to a grid of strings (what the service passes to `importQuestionnaireGrid`). */
export async function xlsxGrid(buffer: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  const grid: string[][] = [];
  sheet?.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text);
    grid[n - 1] = cells;
  });
  return Array.from(grid, (r) => r ?? []);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? fileURLToPath(new URL('./sipas-2026-questionnaire.xlsx', import.meta.url));
  writeFileSync(out, await questionnaireXlsx(readFileSync(CSV, 'utf8')));
  console.log(`wrote ${out}`);
}
