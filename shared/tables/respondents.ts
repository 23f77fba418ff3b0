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
 *   ROUND#r / PERSON#key     one person: name, phone, address, birth year, sex sealed with AES-GCM;
 *                            the phone's keyed blind index; the person's quality warnings
 *                            (gsi1: ROUND#r#PHONES#<first hex of the index> / <index>#<person key> —
 *                            persons in phone order, 16 shards: one phone's persons are adjacent)
 *   ROUND#r / STAFFPHONE#idx the round's staff phones, as blind indexes only (never the number)
 *   ROUND#r / UPLOAD#id      one presigned upload: who asked, its object key, and (once the object
 *                            was read) the import its bytes resolved to — or why it failed
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

/** A whole-file failure of an import read from S3 (data-rules rule 12): its code and Vietnamese message. */
export const importFailureSchema = z.object({ code: z.string(), message: z.string() });
export type ImportFailure = z.infer<typeof importFailureSchema>;

export const IMPORT_STATUSES = ['processing', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** What the upload writes; the counters are added by the chunk consumer. */
export const newImportSchema = z.object({
  importId: z.string(),
  roundId: z.string(),
  /**
   * processing → completed once every chunk is written; failed (presigned path only) when the
   * file itself is unusable: nothing of it is written, `failure` says why.
   */
  status: z.enum(IMPORT_STATUSES),
  failure: importFailureSchema.optional(),
  /** The presigned upload that brought these bytes first (absent on the body path). */
  uploadId: z.string().optional(),
  /**
   * Presigned path: chunks are still being queued, so `chunkCount` is not final yet and the
   * import cannot complete; removed (with the final count) when the last chunk is queued.
   */
  queuing: z.boolean().optional(),
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
  /** Blank rows below the header, ignored (data-rules rule 2). */
  ignoredBlank: z.number().optional(),
  /** Accepted rows that joined a person already seen in the file (same name + phone: rule 9). */
  merged: z.number().optional(),
  /** Accepted rows carrying a row warning (landline, converted legacy number) at parse time. */
  rowWarned: z.number().optional(),
  /** The round's PHONE_SHARED threshold when the file came in (shared/domain/roster-quality.ts). */
  phoneSharedMinNames: z.number().int().optional(),
});
export type NewImport = z.infer<typeof newImportSchema>;

/** The stored import item: chunks done are a string set (one entry per chunk, so replays add nothing). */
export const importItemSchema = newImportSchema
  .extend({
    stored: z.number(),
    duplicates: z.number(),
    completedAt: z.string().optional(),
    chunksDoneSet: z.set(z.string()).optional(),
    /** Rows with any warning (row warnings + their person's quality warnings), set by the quality checks. */
    warned: z.number().optional(),
    /** Persons of this import flagged by the quality checks, per warning. */
    quality: z.object({ phoneShared: z.number(), staffPhone: z.number() }).optional(),
    qualityCheckedAt: z.string().optional(),
  })
  .transform(({ chunksDoneSet, ...rest }) => ({
    ...rest,
    ignoredBlank: rest.ignoredBlank ?? 0,
    merged: rest.merged ?? 0,
    warned: rest.warned ?? rest.rowWarned ?? 0,
    chunksDone: chunksDoneSet?.size ?? 0,
  }));
export type ImportRecord = z.output<typeof importItemSchema>;

export const UPLOAD_STATUSES = ['awaiting-upload', 'reading', 'imported', 'failed'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/** One presigned upload request and what became of its object. */
export const uploadItemSchema = z.object({
  uploadId: z.string(),
  roundId: z.string(),
  filename: z.string(),
  objectKey: z.string(),
  status: z.enum(UPLOAD_STATUSES),
  createdAt: z.string(),
  createdBy: z.string(),
  /** The caller's roles and units when the URL was handed out: the import runs on their authority. */
  roles: z.array(z.string()),
  units: z.union([z.literal('*'), z.array(z.string())]),
  /** An admin's reason to accept a late roster (audited when the import is created). */
  overrideReason: z.string().optional(),
  expiresAt: z.string(),
  /** Set once the object was read: the import its bytes resolved to (an earlier one for the same bytes). */
  importId: z.string().optional(),
  duplicateUpload: z.boolean().optional(),
  failure: importFailureSchema.optional(),
  /** Rows read so far while the object is checked (progress before the import exists). */
  rowsRead: z.number().optional(),
});
export type UploadRecord = z.infer<typeof uploadItemSchema>;

export const dossierItemSchema = z.object({
  dossierId: z.string(),
  personKey: z.string(),
  unitCode: z.string(),
  fieldCode: z.string(),
  completedOn: z.string(),
  importId: z.string(),
  row: z.number(),
  /** Row warning codes from parsing (PHONE_LANDLINE, PHONE_LEGACY_CONVERTED). */
  warnings: z.array(z.string()).optional(),
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
  /** Keyed blind index of the E.164 phone (shared/platform/crypto.ts phoneBlindIndex). */
  phoneIndex: z.string().optional(),
  /** Quality warnings of the person (PHONE_SHARED, STAFF_PHONE), a string set in the table. */
  warnings: z
    .preprocess((w) => (w instanceof Set ? [...w].map(String).sort() : w), z.array(z.string()))
    .optional(),
});
export type PersonRecord = z.output<typeof personItemSchema>;

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
export const uploadKey = (roundId: string, uploadId: string) => ({
  pk: respondentsPk(roundId),
  sk: `UPLOAD#${uploadId}`,
});
export const dossierPersonIndexKey = (roundId: string, personKey: string, dossierId: string) => ({
  gsi1pk: `ROUND#${roundId}#PERSON#${personKey}`,
  gsi1sk: `DOSSIER#${dossierId}`,
});
export const personKey = (roundId: string, key: string) => ({
  pk: respondentsPk(roundId),
  sk: `PERSON#${key}`,
});

/** gsi1 keys of a person item: persons in phone order, sharded by the index's first hex digit. */
export const PHONE_SHARDS = '0123456789abcdef'.split('');
export const personPhoneIndexKey = (roundId: string, phoneIndex: string, personKey: string) => ({
  gsi1pk: phoneShardPk(roundId, phoneIndex.charAt(0)),
  gsi1sk: `${phoneIndex}#${personKey}`,
});
export const phoneShardPk = (roundId: string, shard: string): string => `ROUND#${roundId}#PHONES#${shard}`;
export const staffPhoneKey = (roundId: string, phoneIndex: string) => ({
  pk: respondentsPk(roundId),
  sk: `STAFFPHONE#${phoneIndex}`,
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
  getUpload(roundId: string, uploadId: string): Promise<UploadRecord | null>;
  countImportsInProgress(roundId: string): Promise<number>;
  /** Every dossier of the round's CURRENT roster versions (the draw's frame). */
  listDossiers(roundId: string): Promise<DossierRecord[]>;
  /**
   * The dossiers of the named units only (the draw's per-unit fan-out), in dossier-id order per
   * unit. Same meaning as listDossiers restricted to `unitCodes`.
   */
  listDossiersOfUnits(roundId: string, unitCodes: readonly string[]): Promise<DossierRecord[]>;
  /**
   * The dossiers of the given roster versions (unit + import id), units in code order, each in
   * dossier-id order: a fanned-out draw reads the versions its plan recorded, even if a unit's
   * current version changes meanwhile.
   */
  listDossiersOfVersions(
    roundId: string,
    versions: ReadonlyArray<{ unitCode: string; importId: string }>,
  ): Promise<DossierRecord[]>;
  /** The named persons only (export of a sample), never the whole roster. */
  getPersons(roundId: string, personKeys: readonly string[]): Promise<PersonRecord[]>;
  /** Persons of the round, one page at a time (in person-key order). */
  pagePersons(roundId: string, page: { limit: number; cursor?: string }): Promise<Page<PersonRecord>>;
  /**
   * The person's dossiers in current roster versions (`versions`: the map of currentVersions, read
   * once by a caller that asks for many persons).
   */
  dossiersOfPerson(
    roundId: string,
    personKey: string,
    versions?: ReadonlyMap<string, string>,
  ): Promise<DossierRecord[]>;
  /** Each unit's current roster version. */
  unitVersions(roundId: string): Promise<UnitVersion[]>;
  /** unit code → import id of its current roster version. */
  currentVersions(roundId: string): Promise<Map<string, string>>;
  /** One page of one unit version's dossiers, in dossier-id order. */
  pageDossiersOfVersion(
    roundId: string,
    unitCode: string,
    importId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<DossierRecord>>;
  /**
   * Persons of one phone shard in (phone index, person key) order, page after page: persons
   * sharing a phone come out next to each other, so a caller groups them holding one group only.
   */
  personsInPhoneOrder(roundId: string, shard: string): AsyncGenerator<PhoneEntry>;
  /** Persons whose phone has this blind index. */
  personsWithPhone(roundId: string, phoneIndex: string): Promise<PhoneEntry[]>;
  /** The round's staff phones (blind indexes). */
  staffPhoneIndexes(roundId: string): Promise<string[]>;
}

export interface PhoneEntry {
  phoneIndex: string;
  personKey: string;
  warnings: string[];
}

const phoneEntryOf = (item: Record<string, unknown>): PhoneEntry => {
  const w = item.warnings;
  return {
    phoneIndex: String(item.phoneIndex),
    personKey: String(item.personKey),
    warnings: w instanceof Set || Array.isArray(w) ? [...w].map(String).sort() : [],
  };
};

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
    async getUpload(roundId, uploadId) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: uploadKey(roundId, uploadId), ConsistentRead: true }),
      );
      return out.Item ? uploadItemSchema.parse(stripKeys(out.Item)) : null;
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
    async listDossiersOfVersions(roundId, versions) {
      const sorted = [...versions].sort((a, b) =>
        a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0,
      );
      const out: DossierRecord[] = [];
      for (const v of sorted) {
        const items = await queryPrefix(
          table,
          respondentsPk(roundId),
          dossierVersionPrefix(v.unitCode, v.importId),
        );
        for (const item of items) out.push(parseDossierItem(item));
      }
      return out;
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
    async dossiersOfPerson(roundId, key, known) {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': dossierPersonIndexKey(roundId, key, '').gsi1pk },
      });
      const versions = known ?? (await current(roundId));
      return items.map(parseDossierItem).filter((d) => versions.get(d.unitCode) === d.importId);
    },
    currentVersions: current,
    async pageDossiersOfVersion(roundId, unitCode, importId, page) {
      const out = await queryPage(
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: {
            ':pk': respondentsPk(roundId),
            ':p': dossierVersionPrefix(unitCode, importId),
          },
        },
        page,
      );
      return { ...out, items: out.items.map(parseDossierItem) };
    },
    async *personsInPhoneOrder(roundId, shard) {
      let cursor: string | undefined;
      do {
        const out = await queryPage(
          {
            TableName: table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :p',
            ProjectionExpression: 'phoneIndex, personKey, warnings',
            ExpressionAttributeValues: { ':p': phoneShardPk(roundId, shard) },
          },
          { limit: 1000, cursor },
        );
        for (const item of out.items) yield phoneEntryOf(item);
        cursor = out.cursor;
      } while (cursor);
    },
    async personsWithPhone(roundId, phoneIndex) {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :i)',
        ProjectionExpression: 'phoneIndex, personKey, warnings',
        ExpressionAttributeValues: {
          ':p': phoneShardPk(roundId, phoneIndex.charAt(0)),
          ':i': `${phoneIndex}#`,
        },
      });
      return items.map(phoneEntryOf);
    },
    async staffPhoneIndexes(roundId) {
      return (await queryPrefix(table, respondentsPk(roundId), 'STAFFPHONE#')).map((i) =>
        String(i.phoneIndex),
      );
    },
  };
};
