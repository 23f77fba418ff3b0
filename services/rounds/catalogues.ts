/**
 * Stored unit catalogues: a province's file (CSV, or XLSX whose first sheet lists the units and an
 * optional sheet "Lĩnh vực" the fields and procedures per level) → the domain's checks (errors name
 * the row) → one immutable version in the rounds table. Versions are numbered by the service: the
 * same content again returns the version that holds it (200), new content gets the next number (201).
 */
import ExcelJS from 'exceljs';
import {
  type CatalogueField,
  csvCell,
  foldKey,
  type OrgUnit,
  parseCatalogueCsv,
  parseFieldCatalogue,
  predecessorMapping,
  successorMapping,
  TWO_TIER_FROM,
} from '../../shared/domain/index.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { canonicalJson, sha256Hex } from '../../shared/platform/crypto.ts';
import { ConflictError, ValidationError } from '../../shared/platform/errors.ts';
import type { StoredCatalogue } from '../../shared/tables/rounds.ts';
import type { CatalogueStore } from './store.ts';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CATALOGUE_ID = /^[a-z0-9][a-z0-9-]{0,59}$/;

const sheetGrid = (sheet: ExcelJS.Worksheet): string[][] => {
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cell.text ?? '';
    });
    grid[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
  });
  return Array.from(grid, (r) => r ?? []);
};

/** A grid back to CSV text, every row kept so the domain's row numbers stay the spreadsheet's. */
const gridToCsv = (grid: string[][]): string =>
  grid.map((row) => row.map((c) => csvCell(c, ',')).join(',')).join('\r\n');

/**
 * The units, checked by the domain: rows, codes, parents, cycles, dates, successors — and the levels
 * of each structure on its side of the reform (three-tier up to 30/6/2025, two-tier from 1/7/2025).
 */
const parseUnits = (text: string): OrgUnit[] => {
  parseCatalogueCsv(text, { structure: 'three-tier', asOf: LAST_THREE_TIER_DAY });
  return parseCatalogueCsv(text, { structure: 'two-tier', asOf: TWO_TIER_FROM });
};
const LAST_THREE_TIER_DAY = '2025-06-30';

const FIELD_SHEET_NAMES = new Set(['linhvuc', 'linhvucthutuc', 'thutuc', 'fields']);

export const parseCatalogueFile = async (
  bytes: Buffer,
  contentType: string,
): Promise<{ units: OrgUnit[]; fields: CatalogueField[]; source: 'csv' | 'xlsx' }> => {
  const xlsx = contentType.toLowerCase().includes('spreadsheetml') || bytes.subarray(0, 4).equals(ZIP_MAGIC);
  if (!xlsx) return { units: parseUnits(bytes.toString('utf8')), fields: [], source: 'csv' };
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new ValidationError('Không đọc được tệp XLSX.', undefined, 'INVALID_XLSX');
  }
  const fieldSheet = book.worksheets.find((s) => FIELD_SHEET_NAMES.has(foldKey(s.name)));
  const unitSheet = book.worksheets.find((s) => s !== fieldSheet);
  if (!unitSheet) throw new ValidationError('Tệp XLSX không có trang tính nào.', undefined, 'INVALID_XLSX');
  return {
    units: parseUnits(gridToCsv(sheetGrid(unitSheet))),
    fields: fieldSheet ? parseFieldCatalogue(sheetGrid(fieldSheet)) : [],
    source: 'xlsx',
  };
};

export const checkCatalogueId = (id: string | undefined): string => {
  const value = (id ?? '').trim().toLowerCase();
  if (!CATALOGUE_ID.test(value)) {
    throw new ValidationError(
      'Cần mã danh mục (tham số id): chữ thường không dấu, số, gạch ngang, tối đa 60 ký tự.',
      [{ path: 'id', code: 'INVALID_CATALOGUE_ID', message: 'Mã danh mục không hợp lệ.' }],
      'INVALID_CATALOGUE_ID',
    );
  }
  return value;
};

export const importCatalogueVersion = async (
  file: { bytes: Buffer; contentType: string; id: string | undefined; name: string | undefined },
  ctx: { principal: Principal; store: CatalogueStore; now?: Date },
): Promise<{ created: boolean; catalogue: StoredCatalogue }> => {
  const id = checkCatalogueId(file.id);
  if (file.bytes.length === 0) throw new ValidationError('Tệp danh mục rỗng.', undefined, 'EMPTY_FILE');
  const { units, fields, source } = await parseCatalogueFile(file.bytes, file.contentType);
  const contentHash = sha256Hex(canonicalJson({ units, fields }));
  // Two imports racing for the next number: the loser re-reads and either finds its content or retries.
  for (let attempt = 0; attempt < 5; attempt++) {
    const versions = await ctx.store.listCatalogueVersions(id);
    const same = versions.find((v) => v.contentHash === contentHash);
    if (same) return { created: false, catalogue: same };
    const item: StoredCatalogue = {
      id,
      version: Math.max(0, ...versions.map((v) => v.version)) + 1,
      name: (file.name ?? '').trim().slice(0, 200) || id,
      contentHash,
      units,
      fields,
      source,
      createdAt: (ctx.now ?? new Date()).toISOString(),
      createdBy: ctx.principal.sub,
    };
    if (await ctx.store.putCatalogueIfAbsent(item)) return { created: true, catalogue: item };
  }
  throw new ConflictError('CATALOGUE_BUSY', 'Danh mục đang được nhập đồng thời; hãy thử lại.');
};

/** What listings show of a version (not every unit). */
export const catalogueSummary = (c: StoredCatalogue) => {
  const byType: Record<string, number> = {};
  for (const u of c.units) byType[u.type] = (byType[u.type] ?? 0) + 1;
  return {
    id: c.id,
    version: c.version,
    name: c.name,
    units: c.units.length,
    unitsByType: byType,
    fields: c.fields.length,
    procedures: c.fields.reduce((n, f) => n + f.procedures.length, 0),
    contentHash: c.contentHash,
    source: c.source,
    createdAt: c.createdAt,
  };
};

export const catalogueUnits = (c: StoredCatalogue): OrgUnit[] => c.units as OrgUnit[];

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Successor links between two dates, both directions (for comparing rounds across the reform). */
export const catalogueSuccession = (
  c: StoredCatalogue,
  query: { from?: string | undefined; to?: string | undefined },
) => {
  const from = query.from ?? '2025-06-30';
  const to = query.to ?? '2025-07-01';
  const bad = [
    ['from', from],
    ['to', to],
  ].filter(([, v]) => !ISO_DAY.test(v ?? ''));
  if (bad.length > 0 || from > to) {
    throw new ValidationError(
      'Tham số from/to phải là ngày yyyy-mm-dd, from không sau to.',
      (bad.length > 0 ? bad : [['to', to]]).map(([k]) => ({
        path: k ?? '',
        code: 'INVALID_DATE',
        message: `Ngày "${k}" không hợp lệ.`,
      })),
      'INVALID_DATE',
    );
  }
  const units = catalogueUnits(c);
  return {
    id: c.id,
    version: c.version,
    from,
    to,
    successors: successorMapping(units, { from, to }),
    predecessors: predecessorMapping(units, { from, to }),
  };
};
