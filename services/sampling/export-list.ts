import { formatPaperCode } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { decryptPii, formToken, type Keys } from '../../shared/platform/crypto.ts';
import { type CsvCell, toCsv } from '../../shared/platform/csv.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import { type SamplesReader, tokenAssignment } from '../../shared/tables/samples.ts';
import { paperCodeOf } from './run-draw.ts';

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

/**
 * Official or reserve list as CSV, ordered by unit, field and rank. Tokens are re-derived
 * (never stored), so the same sample exports byte-identically every time.
 */
export const exportList = async (
  round: Round,
  sampleId: string,
  list: 'official' | 'reserve',
  ctx: {
    principal: Principal;
    baseUrl: string;
    keys: Keys;
    samples: Pick<SamplesReader, 'listAssignments'>;
    respondents: Pick<RespondentsReader, 'getPersons'>;
  },
): Promise<string> => {
  const assignments = (await ctx.samples.listAssignments(sampleId)).filter(
    (a) => a.list === list && canAccessUnit(ctx.principal, a.unitCode),
  );
  const persons = new Map(
    (
      await ctx.respondents.getPersons(
        round.id,
        assignments.map((a) => a.personKey),
      )
    ).map((p) => [p.personKey, p]),
  );
  const unitName = new Map(round.units.map((u) => [u.code, u.name]));
  const fieldName = new Map(round.fields.map((f) => [f.code, f.name]));
  const rows: CsvCell[][] = assignments.map((a, i) => {
    const person = persons.get(a.personKey);
    const token = formToken(ctx.keys, tokenAssignment(a));
    return [
      i + 1,
      a.unitCode,
      unitName.get(a.unitCode) ?? '',
      fieldName.get(a.fieldCode) ?? a.fieldCode,
      list === 'official' ? 'Chính thức' : 'Dự phòng',
      a.rank,
      person ? decryptPii(ctx.keys, person.nameEnc) : '',
      person ? { safe: decryptPii(ctx.keys, person.phoneEnc) } : '',
      // The post office's mail-merge needs the address (the stored one, decrypted).
      person?.addressEnc ? decryptPii(ctx.keys, person.addressEnc) : '',
      { safe: formatPaperCode(paperCodeOf(ctx.keys, a)) },
      { safe: `${ctx.baseUrl}/f/${token}` },
    ];
  });
  return toCsv(HEADER, rows);
};
