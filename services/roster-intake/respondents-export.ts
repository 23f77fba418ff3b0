/**
 * `GET …/respondents.csv|.xlsx` (issue 8 §5): the current roster, one line per dossier with its
 * person, for roles allowed to see personal data. Read unit by unit (current versions) and dossier
 * page by dossier page, persons fetched 100 at a time: never the whole round in memory. A file holds
 * at most `limit` lines (a Lambda response is capped at 6 MB); the next part's cursor comes back in
 * `x-next-cursor` / `Link: rel="next"`. Formula-safe (rule 14): every text cell through
 * shared/core/csv-cell.ts; only the product's own E.164 phone is exempt. Each download is audited
 * (who, when, which list, how many lines) without the data.
 */
import ExcelJS from 'exceljs';
import type { RoundAuditEntry } from '../../shared/contracts/audit.ts';
import { formulaSafe } from '../../shared/core/csv-cell.ts';
import { ROSTER_WARNING_LABELS, type RosterWarningCode } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { decryptPii, type Keys } from '../../shared/platform/crypto.ts';
import { type CsvCell, toCsv } from '../../shared/platform/csv.ts';
import { ValidationError } from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import type { PersonRecord, RespondentsReader } from '../../shared/tables/respondents.ts';
import { dossierVisible, type RespondentFilters, warningsOf } from './list-respondents.ts';

export const EXPORT_HEADER = [
  'Mã người',
  'Họ và tên',
  'Số điện thoại',
  'Loại số',
  'Địa chỉ',
  'Năm sinh',
  'Giới tính',
  'Mã hồ sơ',
  'Mã đơn vị',
  'Lĩnh vực',
  'Ngày hoàn thành',
  'Cảnh báo',
  'Dòng nguồn',
  'Lần nhập',
];

export const DEFAULT_EXPORT_LINES = 10_000;
export const MAX_EXPORT_LINES = 20_000;

export interface ExportLine {
  personKey: string;
  fullName: string;
  phone: string;
  phoneKind: 'mobile' | 'landline';
  address: string;
  birthYear: string;
  sex: string;
  dossierId: string;
  unitCode: string;
  fieldCode: string;
  completedOn: string;
  warnings: string[];
  row: number;
  importId: string;
}

type ExportReader = Pick<RespondentsReader, 'currentVersions' | 'pageDossiersOfVersion' | 'getPersons'>;

interface ExportCursor {
  /** The unit being read. */
  u: string;
  /** The dossier page cursor inside it. */
  c?: string;
}

const encode = (c: ExportCursor): string => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
const decode = (raw: string | undefined): ExportCursor | undefined => {
  if (!raw) return undefined;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ExportCursor;
    if (typeof c.u === 'string' && (c.c === undefined || typeof c.c === 'string')) return c;
  } catch {
    // fall through
  }
  throw new ValidationError('Tham số cursor không hợp lệ.', undefined, 'INVALID_CURSOR');
};

/** Up to `limit` lines from `cursor` on, and the cursor of the next part. */
export const exportLines = async (
  roundId: string,
  principal: Principal,
  filters: RespondentFilters,
  page: { limit: number; cursor?: string | undefined },
  deps: { reader: ExportReader; keys: Keys },
): Promise<{ lines: ExportLine[]; cursor?: string }> => {
  const start = decode(page.cursor);
  const units = [...(await deps.reader.currentVersions(roundId))]
    .filter(
      ([unit]) => canAccessUnit(principal, unit) && (filters.unit === undefined || unit === filters.unit),
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([unit]) => start === undefined || unit >= start.u);
  const open = (sealed: string | undefined): string =>
    sealed === undefined ? '' : decryptPii(deps.keys, sealed);
  const lines: ExportLine[] = [];
  for (const [unit, importId] of units) {
    let cursor = start && unit === start.u ? start.c : undefined;
    do {
      const remaining = page.limit - lines.length;
      if (remaining <= 0) return { lines, cursor: encode(cursor ? { u: unit, c: cursor } : { u: unit }) };
      const dossiers = await deps.reader.pageDossiersOfVersion(roundId, unit, importId, {
        limit: Math.min(100, remaining),
        ...(cursor ? { cursor } : {}),
      });
      const kept = dossiers.items.filter((d) => dossierVisible(principal, filters, d));
      const persons = new Map<string, PersonRecord>(
        (await deps.reader.getPersons(roundId, [...new Set(kept.map((d) => d.personKey))])).map((p) => [
          p.personKey,
          p,
        ]),
      );
      for (const d of kept) {
        const person = persons.get(d.personKey);
        if (!person) continue;
        const warnings = warningsOf(person, [d]);
        if (filters.warning && !warnings.includes(filters.warning)) continue;
        lines.push({
          personKey: person.personKey,
          fullName: open(person.nameEnc),
          phone: open(person.phoneEnc),
          phoneKind: person.phoneKind,
          address: open(person.addressEnc),
          birthYear: open(person.birthYearEnc),
          sex: open(person.sexEnc),
          dossierId: d.dossierId,
          unitCode: d.unitCode,
          fieldCode: d.fieldCode,
          completedOn: d.completedOn,
          warnings,
          row: d.row,
          importId: d.importId,
        });
      }
      cursor = dossiers.cursor;
    } while (cursor);
  }
  return { lines };
};

const PHONE_KIND: Record<ExportLine['phoneKind'], string> = { mobile: 'Di động', landline: 'Cố định' };

const warningText = (codes: readonly string[]): string =>
  codes.map((c) => `${c} (${ROSTER_WARNING_LABELS[c as RosterWarningCode] ?? c})`).join('; ');

/** dd/mm/yyyy, as the clerk wrote it. */
const vnDate = (iso: string): string => {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
};

const cells = (l: ExportLine): CsvCell[] => [
  l.personKey,
  l.fullName,
  // The product's own E.164 value: exempt from the guard (rule 14), never a formula.
  { safe: l.phone },
  PHONE_KIND[l.phoneKind],
  l.address,
  l.birthYear,
  l.sex,
  l.dossierId,
  l.unitCode,
  l.fieldCode,
  vnDate(l.completedOn),
  warningText(l.warnings),
  l.row,
  l.importId,
];

export const respondentsCsv = (lines: readonly ExportLine[]): string =>
  toCsv(EXPORT_HEADER, lines.map(cells));

export const respondentsXlsx = async (lines: readonly ExportLine[]): Promise<Buffer> => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Danh sách');
  sheet.addRow(EXPORT_HEADER);
  for (const l of lines) {
    // Every text cell is a string cell behind the same guard; numbers stay numbers.
    sheet.addRow(
      cells(l).map((c) =>
        typeof c === 'number' ? c : typeof c === 'object' && c !== null ? c.safe : formulaSafe(c ?? ''),
      ),
    );
  }
  return Buffer.from(await book.xlsx.writeBuffer());
};

/** The audit entry of one download: who, when, which list and filters, how many lines — no data. */
export const exportAudit = (
  roundId: string,
  principal: Principal,
  format: 'csv' | 'xlsx',
  filters: RespondentFilters,
  result: { lines: number; part?: string | undefined },
  at: Date,
): RoundAuditEntry => ({
  roundId,
  at: at.toISOString(),
  id: newId('respondents-export'),
  by: principal.sub,
  service: 'roster-intake',
  action: 'RESPONDENTS_EXPORTED',
  target: `respondents.${format}`,
  details: {
    format,
    ...filters,
    lines: result.lines,
    units: principal.units === '*' ? '*' : principal.units,
    ...(result.part ? { fromCursor: true } : {}),
  },
});
