/**
 * The stored roster read back for authorised ops users: every field decrypted, with the person's
 * dossiers and warnings. Filters: `unit` and `field` keep persons with a matching dossier (and show
 * only those dossiers); `warning` keeps persons carrying it (a quality warning of the person, or a
 * row warning of one of its shown dossiers). A unit-scoped caller sees only persons with a dossier
 * in its units, and only those dossiers. A page is filled from up to MAX_SCANS person pages, so a
 * page can hold fewer than `limit` persons while the cursor still moves on.
 */
import { foldKey, ROSTER_WARNING_CODES, type RosterWarningCode } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { decryptPii, type Keys } from '../../shared/platform/crypto.ts';
import type { Page } from '../../shared/platform/dynamo.ts';
import { ForbiddenError, ValidationError } from '../../shared/platform/errors.ts';
import type { DossierRecord, PersonRecord, RespondentsReader } from '../../shared/tables/respondents.ts';
import type { Round } from '../../shared/tables/rounds.ts';

export interface RespondentFilters {
  unit?: string;
  /** A field code of the round's catalogue. */
  field?: string;
  warning?: RosterWarningCode;
}

export interface DossierView {
  dossierId: string;
  unitCode: string;
  fieldCode: string;
  completedOn: string;
  row: number;
  importId: string;
  warnings: string[];
}

export interface RespondentView {
  personKey: string;
  fullName: string;
  phone: string;
  phoneKind: 'mobile' | 'landline';
  address: string | null;
  birthYear: number | null;
  sex: string | null;
  /** The person's quality warnings and the row warnings of its shown dossiers, sorted. */
  warnings: string[];
  dossiers: DossierView[];
}

/** Person pages read at most per request when filters leave pages sparse. */
export const MAX_SCANS = 10;

/**
 * The query's filters checked against the round and the caller: an unknown unit, field or warning
 * is a 400; a unit the caller may not see is a 403.
 */
export const parseRespondentFilters = (
  round: Pick<Round, 'units' | 'fields'>,
  principal: Principal,
  query: { unit?: string | undefined; field?: string | undefined; warning?: string | undefined },
): RespondentFilters => {
  const filters: RespondentFilters = {};
  if (query.unit) {
    const unit = round.units.find((u) => foldKey(u.code) === foldKey(query.unit ?? ''));
    if (!unit)
      throw new ValidationError(
        `Mã đơn vị "${query.unit}" không thuộc đợt khảo sát.`,
        undefined,
        'UNKNOWN_UNIT',
      );
    if (!canAccessUnit(principal, unit.code))
      throw new ForbiddenError(`Bạn không có quyền xem danh sách của đơn vị "${unit.code}".`);
    filters.unit = unit.code;
  }
  if (query.field) {
    const key = foldKey(query.field);
    const field = round.fields.find((f) => foldKey(f.code) === key || foldKey(f.name) === key);
    if (!field)
      throw new ValidationError(
        `Lĩnh vực "${query.field}" không thuộc đợt khảo sát.`,
        undefined,
        'UNKNOWN_FIELD',
      );
    filters.field = field.code;
  }
  if (query.warning) {
    const code = query.warning.toUpperCase();
    if (!(ROSTER_WARNING_CODES as readonly string[]).includes(code))
      throw new ValidationError(
        `Cảnh báo "${query.warning}" không có; dùng một trong: ${ROSTER_WARNING_CODES.join(', ')}.`,
        undefined,
        'UNKNOWN_WARNING',
      );
    filters.warning = code as RosterWarningCode;
  }
  return filters;
};

/** A dossier the caller may see and the unit/field filters keep. */
export const dossierVisible = (principal: Principal, filters: RespondentFilters, d: DossierRecord): boolean =>
  canAccessUnit(principal, d.unitCode) &&
  (filters.unit === undefined || d.unitCode === filters.unit) &&
  (filters.field === undefined || d.fieldCode === filters.field);

export const warningsOf = (person: PersonRecord, dossiers: readonly DossierRecord[]): string[] =>
  [...new Set([...(person.warnings ?? []), ...dossiers.flatMap((d) => d.warnings ?? [])])].sort();

const byDossierId = (a: DossierRecord, b: DossierRecord) =>
  a.dossierId < b.dossierId ? -1 : a.dossierId > b.dossierId ? 1 : 0;

export const listRespondents = async (
  roundId: string,
  principal: Principal,
  page: { limit: number; cursor?: string },
  deps: {
    reader: Pick<RespondentsReader, 'pagePersons' | 'dossiersOfPerson' | 'currentVersions'>;
    keys: Keys;
  },
  filters: RespondentFilters = {},
): Promise<Page<RespondentView>> => {
  const versions = await deps.reader.currentVersions(roundId);
  const open = (sealed: string | undefined): string | null =>
    sealed === undefined ? null : decryptPii(deps.keys, sealed);
  const view = async (p: PersonRecord): Promise<RespondentView | null> => {
    const dossiers = (await deps.reader.dossiersOfPerson(roundId, p.personKey, versions))
      .filter((d) => dossierVisible(principal, filters, d))
      .sort(byDossierId);
    if (dossiers.length === 0) return null;
    const warnings = warningsOf(p, dossiers);
    if (filters.warning && !warnings.includes(filters.warning)) return null;
    const birthYear = open(p.birthYearEnc);
    return {
      personKey: p.personKey,
      fullName: decryptPii(deps.keys, p.nameEnc),
      phone: decryptPii(deps.keys, p.phoneEnc),
      phoneKind: p.phoneKind,
      address: open(p.addressEnc),
      birthYear: birthYear === null ? null : Number(birthYear),
      sex: open(p.sexEnc),
      warnings,
      dossiers: dossiers.map(
        ({ dossierId, unitCode, fieldCode, completedOn, row, importId, warnings: w }) => ({
          dossierId,
          unitCode,
          fieldCode,
          completedOn,
          row,
          importId,
          warnings: w ?? [],
        }),
      ),
    };
  };
  const items: RespondentView[] = [];
  let cursor = page.cursor;
  // Each scan asks only for the persons still missing, so a page never overshoots `limit` and the
  // cursor always sits on a person boundary.
  for (let scan = 0; scan < MAX_SCANS && items.length < page.limit; scan++) {
    const persons = await deps.reader.pagePersons(roundId, {
      limit: page.limit - items.length,
      ...(cursor ? { cursor } : {}),
    });
    const views = await Promise.all(persons.items.map(view));
    items.push(...views.filter((v): v is RespondentView => v !== null));
    cursor = persons.cursor;
    if (!cursor) break;
  }
  return cursor ? { items, cursor } : { items };
};
