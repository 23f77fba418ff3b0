/**
 * The field teams' lists (issue 9 item 8): official and reserve lists as CSV and XLSX, ordered (so
 * grouped) by unit, field and rank, with name, address, phone, paper code and link — the columns the
 * post office's mail merge reads. Formula-safe (data-rules rule 14): CSV through toCsv, XLSX text
 * cells behind the same guard and always written as string cells. Tokens and codes are re-derived
 * (never stored), so the same sample exports byte-identically every time.
 */
import ExcelJS from 'exceljs';
import { formulaSafe } from '../../shared/core/csv-cell.ts';
import { formatPaperCode } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { decryptPii, formToken, type Keys } from '../../shared/platform/crypto.ts';
import { type CsvCell, toCsv } from '../../shared/platform/csv.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import { placeNames, type Round } from '../../shared/tables/rounds.ts';
import {
  type Assignment,
  assignmentStatus,
  type SamplesReader,
  tokenAssignment,
} from '../../shared/tables/samples.ts';
import { paperCodeOf } from './run-draw.ts';
import { pinZipTimes } from './zip-times.ts';

const HEADER = [
  'STT',
  'Mã đơn vị',
  'Đơn vị',
  'Lĩnh vực',
  'Danh sách',
  'Thứ tự',
  'Họ và tên',
  'Số điện thoại',
  'Địa chỉ',
  'Mã phiếu giấy',
  'Liên kết phiếu',
];

/** One line of a list, decrypted: lives only for the response that carries it. */
export interface ListEntry {
  unitCode: string;
  unitName: string;
  fieldCode: string;
  fieldName: string;
  list: 'official' | 'reserve';
  rank: number;
  status: 'active' | 'inactive' | 'revoked';
  name: string;
  phone: string;
  address: string;
  /** Formatted for print: XXXX-XXXX-XX. */
  paperCode: string;
  link: string;
}

export interface ListContext {
  principal: Principal;
  baseUrl: string;
  keys: Keys;
  samples: Pick<SamplesReader, 'listAssignments'>;
  respondents: Pick<RespondentsReader, 'getPersons'>;
}

/** The caller's entries of a sample (only its units), in unit, field, list, rank order. */
export const listEntries = async (
  round: Round,
  sampleId: string,
  keep: (a: Assignment) => boolean,
  ctx: ListContext,
): Promise<ListEntry[]> => {
  const assignments = (await ctx.samples.listAssignments(sampleId))
    .filter((a) => canAccessUnit(ctx.principal, a.unitCode) && keep(a))
    .sort(
      (a, b) =>
        (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0) ||
        (a.fieldCode < b.fieldCode ? -1 : a.fieldCode > b.fieldCode ? 1 : 0) ||
        (a.list === b.list ? 0 : a.list === 'official' ? -1 : 1) ||
        a.rank - b.rank,
    );
  const persons = new Map(
    (
      await ctx.respondents.getPersons(
        round.id,
        assignments.map((a) => a.personKey),
      )
    ).map((p) => [p.personKey, p]),
  );
  const place = placeNames(round);
  return assignments.map((a) => {
    const person = persons.get(a.personKey);
    return {
      ...place(a),
      list: a.list,
      rank: a.rank,
      status: assignmentStatus(a),
      name: person ? decryptPii(ctx.keys, person.nameEnc) : '',
      phone: person ? decryptPii(ctx.keys, person.phoneEnc) : '',
      // The post office's mail-merge needs the address (the stored one, decrypted).
      address: person?.addressEnc ? decryptPii(ctx.keys, person.addressEnc) : '',
      paperCode: formatPaperCode(paperCodeOf(ctx.keys, a)),
      link: `${ctx.baseUrl}/f/${formToken(ctx.keys, tokenAssignment(a))}`,
    };
  });
};

const LIST_LABEL = { official: 'Chính thức', reserve: 'Dự phòng' } as const;

export const listCsv = (entries: readonly ListEntry[]): string =>
  toCsv(
    HEADER,
    entries.map((e, i): CsvCell[] => [
      i + 1,
      e.unitCode,
      e.unitName,
      e.fieldName,
      LIST_LABEL[e.list],
      e.rank,
      e.name,
      // Our own E.164 phone, paper code and link are exempt from the guard (rule 14).
      { safe: e.phone },
      e.address,
      { safe: e.paperCode },
      { safe: e.link },
    ]),
  );

/** Official or reserve list as CSV (kept for callers of the first slice). */
export const exportList = async (
  round: Round,
  sampleId: string,
  list: 'official' | 'reserve',
  ctx: ListContext,
): Promise<string> => listCsv(await listEntries(round, sampleId, (a) => a.list === list, ctx));

/**
 * The list as an XLSX workbook: sheet "Danh sách" is one flat table (the mail merge's data source:
 * one header row, one row per respondent, grouped by unit and field through the order), sheet
 * "Tổng hợp" the count per unit × field. Every text cell is a string cell behind the formula guard.
 * `at` (the sample's completion time) is the workbook's date, and the ZIP entries' times are pinned
 * to it, so the same inputs give the same bytes.
 */
export const listXlsx = async (
  entries: readonly ListEntry[],
  meta: { title: string; at: string },
): Promise<Buffer> => {
  const book = new ExcelJS.Workbook();
  const at = new Date(meta.at);
  book.creator = 'dieutra';
  book.lastModifiedBy = 'dieutra';
  book.created = at;
  book.modified = at;
  book.title = formulaSafe(meta.title);
  const sheet = book.addWorksheet('Danh sách', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [6, 12, 28, 28, 12, 8, 28, 16, 40, 16, 48].map((width) => ({ width }));
  const header = sheet.addRow(HEADER);
  header.font = { bold: true };
  entries.forEach((e, i) => {
    sheet.addRow([
      i + 1,
      formulaSafe(e.unitCode),
      formulaSafe(e.unitName),
      formulaSafe(e.fieldName),
      LIST_LABEL[e.list],
      e.rank,
      formulaSafe(e.name),
      e.phone,
      formulaSafe(e.address),
      e.paperCode,
      e.link,
    ]);
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: HEADER.length } };
  const summary = book.addWorksheet('Tổng hợp');
  summary.addRow(['Mã đơn vị', 'Đơn vị', 'Lĩnh vực', 'Số người']).font = { bold: true };
  const groups = new Map<string, { e: ListEntry; n: number }>();
  for (const e of entries) {
    const key = `${e.unitCode}\u001f${e.fieldCode}`;
    const g = groups.get(key) ?? { e, n: 0 };
    g.n++;
    groups.set(key, g);
  }
  for (const { e, n } of groups.values()) {
    summary.addRow([formulaSafe(e.unitCode), formulaSafe(e.unitName), formulaSafe(e.fieldName), n]);
  }
  return pinZipTimes(Buffer.from(await book.xlsx.writeBuffer()), at);
};
