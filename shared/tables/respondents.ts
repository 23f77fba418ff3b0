/**
 * Contract of the `respondents` table. Writer: services/roster-intake/store.ts (only).
 * Readers (sampling's draw and export, roster-intake's own API) use `respondentsReader()`.
 *
 *   ROUND#r / IMPORT#id      import report (status, counts, row errors)
 *   ROUND#r / DOSSIER#unit#importId#id
 *                            one dossier (hồ sơ) row of one unit's roster VERSION (the import that
 *                            brought it): person key, unit, field, completion date
 *                            (gsi1: ROUND#r#PERSON#key / DOSSIER#id — the dossiers of one person)
 *   ROUND#r / UNITVERSION#unit
 *                            the unit's current roster version (an import id), flipped when that
 *                            import completes: readers see only current versions, so a corrected
 *                            file replaces its units at once and the old version stays for audit
 *   ROUND#r / PERSON#key     one person: name, phone, address, birth year, sex sealed with AES-GCM
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { batchGetAll, type Page, queryAll, queryPage, queryPrefix, stripKeys } from '../platform/dynamo.ts';

export const MAX_STORED_ERRORS = 1000;

export const rowIssueSchema = z.object({
  row: z.number(),
  column: z.string().optional(),
  code: z.string(),
  message: z.string(),
});
export type StoredRowIssue = z.infer<typeof rowIssueSchema>;

/** What the upload writes; the counters are added by the chunk consumer. */
export const newImportSchema = z.object({
  importId: z.string(),
  roundId: z.string(),
  status: z.enum(['processing', 'completed']),
  filename: z.string(),
  fileHash: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  dataRows: z.number(),
  /** Units whose roster this import carries (becomes their current version on completion). */
  units: z.array(z.string()).optional(),
  valid: z.number(),
  rejected: z.number(),
  warnings: z.number(),
  chunkCount: z.number(),
  errors: z.array(rowIssueSchema),
  errorsTruncated: z.boolean(),
});
export type NewImport = z.infer<typeof newImportSchema>;

/** The stored import item: chunks done are a string set (one entry per chunk, so replays add nothing). */
export const importItemSchema = newImportSchema
  .extend({
    stored: z.number(),
    duplicates: z.number(),
    completedAt: z.string().optional(),
    chunksDoneSet: z.set(z.string()).optional(),
  })
  .transform(({ chunksDoneSet, ...rest }) => ({ ...rest, chunksDone: chunksDoneSet?.size ?? 0 }));
export type ImportRecord = z.output<typeof importItemSchema>;

export const dossierItemSchema = z.object({
  dossierId: z.string(),
  personKey: z.string(),
  unitCode: z.string(),
  fieldCode: z.string(),
  completedOn: z.string(),
  importId: z.string(),
  row: z.number(),
  /** PAR rater rosters: the rater group's code in the round's rater matrix; `unitCode` is the rater's own unit. */
  raterGroup: z.string().optional(),
});
export type DossierRecord = z.infer<typeof dossierItemSchema>;

export const personItemSchema = z.object({
  personKey: z.string(),
  nameEnc: z.string(),
  phoneEnc: z.string(),
  phoneKind: z.enum(['mobile', 'landline']),
  addressEnc: z.string().optional(),
  /** The birth year as text, sealed like the rest (it narrows down who answered). */
  birthYearEnc: z.string().optional(),
  sexEnc: z.string().optional(),
});
export type PersonRecord = z.infer<typeof personItemSchema>;

// ---- keys ----
export const respondentsPk = (roundId: string) => `ROUND#${roundId}`;
export const importKey = (roundId: string, importId: string) => ({
  pk: respondentsPk(roundId),
  sk: `IMPORT#${importId}`,
});
export const dossierKey = (roundId: string, unitCode: string, importId: string, dossierId: string) => ({
  pk: respondentsPk(roundId),
  sk: `${dossierVersionPrefix(unitCode, importId)}${dossierId}`,
});
/** Sort-key prefix of one unit's roster version. */
export const dossierVersionPrefix = (unitCode: string, importId: string): string =>
  `DOSSIER#${unitCode}#${importId}#`;
export const unitVersionKey = (roundId: string, unitCode: string) => ({
  pk: respondentsPk(roundId),
  sk: `UNITVERSION#${unitCode}`,
});
export const unitVersionItemSchema = z.object({
  unitCode: z.string(),
  importId: z.string(),
  /** When this version became current. */
  since: z.string(),
  /** The version it replaced, if any (kept in the table for audit). */
  previousImportId: z.string().optional(),
});
export type UnitVersion = z.infer<typeof unitVersionItemSchema>;
export const dossierPersonIndexKey = (roundId: string, personKey: string, dossierId: string) => ({
  gsi1pk: `ROUND#${roundId}#PERSON#${personKey}`,
  gsi1sk: `DOSSIER#${dossierId}`,
});
export const personKey = (roundId: string, key: string) => ({
  pk: respondentsPk(roundId),
  sk: `PERSON#${key}`,
});

export const parseImportItem = (item: Record<string, unknown>): ImportRecord =>
  importItemSchema.parse(stripKeys(item));
export const parseDossierItem = (item: Record<string, unknown>): DossierRecord =>
  dossierItemSchema.parse(stripKeys(item));
export const parsePersonItem = (item: Record<string, unknown>): PersonRecord =>
  personItemSchema.parse(stripKeys(item));

// ---- reader ----
export interface RespondentsReader {
  getImport(roundId: string, importId: string): Promise<ImportRecord | null>;
  countImportsInProgress(roundId: string): Promise<number>;
  /** Every dossier of the round's CURRENT roster versions (the draw's frame). */
  listDossiers(roundId: string): Promise<DossierRecord[]>;
  /**
   * The dossiers of the named units only (the draw's per-unit fan-out), in dossier-id order per
   * unit. Same meaning as listDossiers restricted to `unitCodes`.
   */
  listDossiersOfUnits(roundId: string, unitCodes: readonly string[]): Promise<DossierRecord[]>;
  /** The named persons only (export of a sample), never the whole roster. */
  getPersons(roundId: string, personKeys: readonly string[]): Promise<PersonRecord[]>;
  /** Persons of the round, one page at a time (in person-key order). */
  pagePersons(roundId: string, page: { limit: number; cursor?: string }): Promise<Page<PersonRecord>>;
  /** The person's dossiers in current roster versions. */
  dossiersOfPerson(roundId: string, personKey: string): Promise<DossierRecord[]>;
  /** Each unit's current roster version. */
  unitVersions(roundId: string): Promise<UnitVersion[]>;
}

export const respondentsReader = (): RespondentsReader => {
  const table = tableName('respondents');
  const current = async (roundId: string): Promise<Map<string, string>> =>
    new Map(
      (await queryPrefix(table, respondentsPk(roundId), 'UNITVERSION#')).map((i) => [
        String(i.unitCode),
        String(i.importId),
      ]),
    );
  // One query per unit's current version: a version being written (or replaced) is never read.
  const dossiersOf = async (roundId: string, units: ReadonlySet<string> | null) => {
    const versions = [...(await current(roundId))].filter(([unit]) => units === null || units.has(unit));
    versions.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const out: DossierRecord[] = [];
    for (const [unit, importId] of versions) {
      const items = await queryPrefix(table, respondentsPk(roundId), dossierVersionPrefix(unit, importId));
      for (const item of items) out.push(parseDossierItem(item));
    }
    return out;
  };
  return {
    async getImport(roundId, importId) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: importKey(roundId, importId), ConsistentRead: true }),
      );
      return out.Item ? parseImportItem(out.Item) : null;
    },
    async countImportsInProgress(roundId) {
      const items = await queryAll({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':pk': respondentsPk(roundId), ':p': 'IMPORT#' },
        ConsistentRead: true,
      });
      return items.filter((i) => i.status === 'processing').length;
    },
    async unitVersions(roundId) {
      return (await queryPrefix(table, respondentsPk(roundId), 'UNITVERSION#')).map((i) =>
        unitVersionItemSchema.parse(stripKeys(i)),
      );
    },
    async listDossiers(roundId) {
      return dossiersOf(roundId, null);
    },
    async listDossiersOfUnits(roundId, unitCodes) {
      return unitCodes.length === 0 ? [] : dossiersOf(roundId, new Set(unitCodes));
    },
    async getPersons(roundId, personKeys) {
      const unique = [...new Set(personKeys)];
      const items = await batchGetAll(
        table,
        unique.map((key) => personKey(roundId, key)),
      );
      return items.map(parsePersonItem);
    },
    async pagePersons(roundId, page) {
      const out = await queryPage(
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': respondentsPk(roundId), ':p': 'PERSON#' },
        },
        page,
      );
      return { ...out, items: out.items.map(parsePersonItem) };
    },
    async dossiersOfPerson(roundId, key) {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': dossierPersonIndexKey(roundId, key, '').gsi1pk },
      });
      const versions = await current(roundId);
      return items.map(parseDossierItem).filter((d) => versions.get(d.unitCode) === d.importId);
    },
  };
};
