/**
 * The stored roster read back for authorised ops users: every field decrypted, with the person's
 * dossiers. A unit-scoped caller sees only persons with a dossier in its units, and only those
 * dossiers; a page can then hold fewer than `limit` persons (the cursor still moves on).
 */
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { decryptPii, type Keys } from '../../shared/platform/crypto.ts';
import type { Page } from '../../shared/platform/dynamo.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';

export interface RespondentView {
  personKey: string;
  fullName: string;
  phone: string;
  phoneKind: 'mobile' | 'landline';
  address: string | null;
  birthYear: number | null;
  sex: string | null;
  dossiers: Array<{
    dossierId: string;
    unitCode: string;
    fieldCode: string;
    completedOn: string;
    row: number;
    importId: string;
  }>;
}

export const listRespondents = async (
  roundId: string,
  principal: Principal,
  page: { limit: number; cursor?: string },
  deps: { reader: Pick<RespondentsReader, 'pagePersons' | 'dossiersOfPerson'>; keys: Keys },
): Promise<Page<RespondentView>> => {
  const persons = await deps.reader.pagePersons(roundId, page);
  const open = (sealed: string | undefined): string | null =>
    sealed === undefined ? null : decryptPii(deps.keys, sealed);
  const views = await Promise.all(
    persons.items.map(async (p): Promise<RespondentView | null> => {
      const dossiers = (await deps.reader.dossiersOfPerson(roundId, p.personKey))
        .filter((d) => canAccessUnit(principal, d.unitCode))
        .sort((a, b) => (a.dossierId < b.dossierId ? -1 : a.dossierId > b.dossierId ? 1 : 0));
      if (dossiers.length === 0) return null;
      const birthYear = open(p.birthYearEnc);
      return {
        personKey: p.personKey,
        fullName: decryptPii(deps.keys, p.nameEnc),
        phone: decryptPii(deps.keys, p.phoneEnc),
        phoneKind: p.phoneKind,
        address: open(p.addressEnc),
        birthYear: birthYear === null ? null : Number(birthYear),
        sex: open(p.sexEnc),
        dossiers: dossiers.map(({ dossierId, unitCode, fieldCode, completedOn, row, importId }) => ({
          dossierId,
          unitCode,
          fieldCode,
          completedOn,
          row,
          importId,
        })),
      };
    }),
  );
  const items = views.filter((v): v is RespondentView => v !== null);
  return persons.cursor ? { items, cursor: persons.cursor } : { items };
};
