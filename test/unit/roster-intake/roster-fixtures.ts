/** Fixture builders for roster-reader tests: bytes as clerks' tools write them. */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import {
  type AcceptedRow,
  type ReadRosterOptions,
  type RejectedRow,
  RosterFileError,
  type RosterSummary,
  readRoster,
} from '../../../services/roster-intake/roster-parser.ts';

export const HEADER = ['Họ và tên', 'Số điện thoại', 'Mã hồ sơ', 'Lĩnh vực', 'Mã đơn vị', 'Ngày hoàn thành'];
export const ROUND = {
  knownUnits: new Set(['U1', 'U2']),
  fields: [
    { code: 'TP', name: 'Tư pháp' },
    { code: 'DD', name: 'Đất đai' },
  ],
};

export const utf16le = (text: string) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
export const utf16be = (text: string) => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) {
    const a = le[i]!;
    le[i] = le[i + 1]!;
    le[i + 1] = a;
  }
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

/** Windows-1258 as Vietnamese Windows writes it: base letter (ê, ơ …) + a combining tone mark. */
export const cp1258 = (text: string): Buffer =>
  Buffer.concat(
    [...text.normalize('NFC')].map((ch) => {
      const direct = iconv.encode(ch, 'windows1258');
      if (iconv.decode(direct, 'windows1258') === ch) return direct;
      const nfd = ch.normalize('NFD');
      const tone = nfd.match(/[\u0300\u0301\u0303\u0309\u0323]/)?.[0] ?? '';
      const base = nfd.replace(tone, '').normalize('NFC');
      return Buffer.concat([iconv.encode(base, 'windows1258'), iconv.encode(tone, 'windows1258')]);
    }),
  );

/** Bytes delivered in pieces of `size` (multi-byte characters cut across chunks). */
export async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface ReadOut {
  accepted: AcceptedRow[];
  rejected: RejectedRow[];
  summary: RosterSummary;
}

export const readAll = async (
  source: Parameters<typeof readRoster>[0],
  options: ReadRosterOptions = ROUND,
): Promise<ReadOut> => {
  const reader = readRoster(source, options);
  const accepted: AcceptedRow[] = [];
  const rejected: RejectedRow[] = [];
  for await (const r of reader) {
    if (r.kind === 'accepted') accepted.push(r);
    else rejected.push(r);
  }
  return { accepted, rejected, summary: reader.summary };
};

export const fileError = async (
  source: Parameters<typeof readRoster>[0],
  options: ReadRosterOptions = ROUND,
): Promise<RosterFileError> => {
  try {
    await readAll(source, options);
  } catch (error) {
    if (error instanceof RosterFileError) return error;
    throw error;
  }
  throw new Error('expected a RosterFileError');
};

export const xlsx = async (build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> => {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
};
