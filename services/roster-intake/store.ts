/**
 * The only writer of the `respondents` table (contract, keys and item schemas:
 * shared/tables/respondents.ts). Reads go through the contract's reader.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type UpdateCommandOutput } from '@aws-sdk/lib-dynamodb';
import { auditItem, type RoundAuditEntry } from '../../shared/contracts/audit.ts';
import type { ChunkRow } from '../../shared/contracts/roster-chunks.ts';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { batchDeleteAll, batchPutAll, putIfAbsent, queryPrefix } from '../../shared/platform/dynamo.ts';
import {
  type DossierRecord,
  dossierItemSchema,
  dossierKey,
  dossierPersonIndexKey,
  importKey,
  type NewImport,
  newImportSchema,
  type PersonRecord,
  personItemSchema,
  personKey,
  personPhoneIndexKey,
  type RespondentsReader,
  respondentsPk,
  respondentsReader,
  type StoredRowIssue,
  staffPhoneKey,
  type UploadRecord,
  unitVersionKey,
  uploadItemSchema,
  uploadKey,
} from '../../shared/tables/respondents.ts';

/** Concurrent BatchWriteItem calls per chunk (tuned with bench/roster-intake.ts). */
export const WRITE_PARALLELISM = 8;

export type DossierOutcome = 'written' | 'replayed' | 'duplicate';

export interface RespondentStore extends RespondentsReader {
  /** One audit entry of this service's changes, in this table (a retried write changes nothing). */
  putAudit(entry: RoundAuditEntry): Promise<void>;
  /** Creates the import report unless this file was already imported into this round. */
  createImport(record: NewImport): Promise<boolean>;
  /** Records a presigned upload request (its id is random: never taken). */
  createUpload(record: UploadRecord): Promise<void>;
  /** Moves an upload on (reading → imported / failed); fields given replace the stored ones. */
  updateUpload(
    roundId: string,
    uploadId: string,
    patch: Partial<Pick<UploadRecord, 'status' | 'importId' | 'duplicateUpload' | 'failure' | 'rowsRead'>>,
  ): Promise<void>;
  /**
   * Presigned path: every chunk is queued; fixes the import's chunk count and completes it if its
   * chunks were all written meanwhile. Idempotent (a second call finds it no longer queuing).
   */
  finishQueuing(roundId: string, importId: string, chunkCount: number): Promise<ChunkOutcome>;
  /**
   * Writes a chunk's dossiers with BatchWriteItem: the ids already stored are read first (one
   * BatchGetItem per 100), so no per-item conditional write is needed. Outcome per row:
   * 'written', 'replayed' (this import's own earlier write: a redelivered message) or 'duplicate'
   * (another import holds the id).
   */
  putDossiers(
    roundId: string,
    importId: string,
    rows: readonly ChunkRow[],
  ): Promise<Map<number, DossierOutcome>>;
  /**
   * A chunk's dossiers and persons in ONE pool of parallel BatchWriteItem calls (no pause between
   * the two kinds): the write path's per-chunk latency is what bounds the intake's rows/s.
   * Outcomes as putDossiers; persons of rows reported 'duplicate' are not written.
   */
  putChunk(
    roundId: string,
    importId: string,
    rows: readonly ChunkRow[],
  ): Promise<Map<number, DossierOutcome>>;
  /** Whether this chunk of the import was already counted (a redelivery is then skipped whole). */
  isChunkDone(roundId: string, importId: string, chunkIndex: number): Promise<boolean>;
  /** Persons are keyed by their person key: a rewrite stores the same person again. */
  putPersons(roundId: string, rows: readonly ChunkRow[]): Promise<void>;
  /**
   * Records a finished chunk exactly once; completes the import when every chunk is in.
   * 'replay' for a chunk already counted, 'completed' for the chunk that completed the import.
   */
  completeChunk(
    roundId: string,
    importId: string,
    chunkIndex: number,
    counts: { stored: number; duplicates: number; errors: StoredRowIssue[] },
  ): Promise<ChunkOutcome>;
}

export type ChunkOutcome = 'replay' | 'counted' | 'completed';

export interface QualityStore extends RespondentsReader {
  /** Adds and removes quality warning codes on one person (a string set: re-running changes nothing). */
  setPersonWarnings(
    roundId: string,
    personKey: string,
    change: { add: readonly string[]; remove: readonly string[] },
  ): Promise<void>;
  /** Records the quality checks' counts on the import (SET: re-running gives the same values). */
  recordQuality(
    roundId: string,
    importId: string,
    result: { warned: number; phoneShared: number; staffPhone: number; at: string },
  ): Promise<void>;
  /** Replaces the round's staff phones (blind indexes) with `indexes`; returns the ones removed. */
  replaceStaffPhones(roundId: string, indexes: readonly string[]): Promise<{ removed: string[] }>;
  putAudit(entry: RoundAuditEntry): Promise<void>;
}

const dossierOf = (importId: string, row: ChunkRow): DossierRecord =>
  dossierItemSchema.parse({
    dossierId: row.dossierId,
    personKey: row.personKey,
    unitCode: row.unitCode,
    fieldCode: row.fieldCode,
    completedOn: row.completedOn,
    importId,
    row: row.row,
    ...(row.warnings && row.warnings.length > 0 ? { warnings: row.warnings } : {}),
    ...(row.raterGroup ? { raterGroup: row.raterGroup } : {}),
  });

const dossierItem = (roundId: string, importId: string, row: ChunkRow) => ({
  ...dossierKey(roundId, row.unitCode, importId, row.dossierId),
  ...dossierPersonIndexKey(roundId, row.personKey, row.dossierId),
  ...dossierOf(importId, row),
});

/** Every sealed field of the row: name, phone, and address, birth year and sex when the roster had them. */
const personOf = (row: ChunkRow): PersonRecord =>
  personItemSchema.parse({
    personKey: row.personKey,
    nameEnc: row.nameEnc,
    phoneEnc: row.phoneEnc,
    phoneKind: row.phoneKind,
    ...(row.addressEnc ? { addressEnc: row.addressEnc } : {}),
    ...(row.birthYearEnc ? { birthYearEnc: row.birthYearEnc } : {}),
    ...(row.sexEnc ? { sexEnc: row.sexEnc } : {}),
    ...(row.phoneIndex ? { phoneIndex: row.phoneIndex } : {}),
  });

/** A person item; with its phone index, also on gsi1 in phone order (the quality checks' group-by). */
const personItem = (roundId: string, row: ChunkRow): Record<string, unknown> => ({
  ...personKey(roundId, row.personKey),
  ...(row.phoneIndex ? personPhoneIndexKey(roundId, row.phoneIndex, row.personKey) : {}),
  ...personOf(row),
});

export const respondentStore = (): RespondentStore & QualityStore => {
  const table = tableName('respondents');
  const db = dynamo();

  // Parallel BatchWriteItem calls inside one chunk: DynamoDB takes them concurrently, and
  // the per-chunk latency is what bounds the intake's rows/s.
  const putAll = async (items: Record<string, unknown>[], parallel = WRITE_PARALLELISM) => {
    const groups: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) groups.push(items.slice(i, i + 25));
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const group = groups[next++] as Record<string, unknown>[];
        await batchPutAll(table, group);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, groups.length) }, worker));
  };

  // Each unit the import carries now reads from this import; the replaced version's items stay
  // (audit), and the replacement is audited. Idempotent: a pointer already at this import is left.
  const publishVersions = async (roundId: string, importId: string, units: string[], by: string) => {
    const at = new Date().toISOString();
    for (const unitCode of units) {
      const key = unitVersionKey(roundId, unitCode);
      const old = await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
      const previous = old.Item ? String(old.Item.importId) : undefined;
      if (previous === importId) continue;
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...key,
            unitCode,
            importId,
            since: at,
            ...(previous ? { previousImportId: previous } : {}),
          },
        }),
      );
      if (previous) {
        await putIfAbsent(
          table,
          auditItem({
            roundId,
            at,
            id: `${importId}-${unitCode}`,
            by,
            service: 'roster-intake',
            action: 'ROSTER_VERSION_REPLACED',
            target: unitCode,
            details: { unitCode, oldImportId: previous, newImportId: importId },
          }),
        );
      }
    }
  };

  // Versions flip before the status, so a completed import always has its units current.
  // Known gap: a crash after the last chunk was counted and before this runs leaves the import
  // processing (its redelivery is a replay); the flip itself is idempotent.
  const completeImport = async (
    roundId: string,
    importId: string,
    units: string[],
    by: string,
  ): Promise<ChunkOutcome> => {
    await publishVersions(roundId, importId, units, by);
    return db
      .send(
        new UpdateCommand({
          TableName: table,
          Key: importKey(roundId, importId),
          UpdateExpression: 'SET #s = :done, completedAt = :t',
          ConditionExpression: '#s = :processing',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':done': 'completed',
            ':processing': 'processing',
            ':t': new Date().toISOString(),
          },
        }),
      )
      .then(
        (): ChunkOutcome => 'completed',
        (error): ChunkOutcome => {
          // Another delivery completed it first: this one only counted.
          if (error instanceof ConditionalCheckFailedException) return 'counted';
          throw error;
        },
      );
  };

  return {
    ...respondentsReader(),

    async createUpload(record) {
      await putIfAbsent(table, {
        ...uploadKey(record.roundId, record.uploadId),
        ...uploadItemSchema.parse(record),
      });
    },

    async updateUpload(roundId, uploadId, patch) {
      const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
      if (entries.length === 0) return;
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: uploadKey(roundId, uploadId),
          UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
        }),
      );
    },

    async finishQueuing(roundId, importId, chunkCount) {
      let out: UpdateCommandOutput;
      try {
        out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: importKey(roundId, importId),
            UpdateExpression: 'SET chunkCount = :n REMOVE queuing',
            ConditionExpression: 'queuing = :yes',
            ExpressionAttributeValues: { ':n': chunkCount, ':yes': true },
            ReturnValues: 'ALL_NEW',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return 'replay';
        throw error;
      }
      const done = out.Attributes?.chunksDoneSet;
      const chunksDone = done instanceof Set ? done.size : 0;
      if (chunksDone < chunkCount) return 'counted';
      const units = Array.isArray(out.Attributes?.units) ? out.Attributes.units.map(String) : [];
      return completeImport(roundId, importId, units, String(out.Attributes?.createdBy ?? 'system'));
    },

    async createImport(record) {
      return putIfAbsent(table, {
        ...importKey(record.roundId, record.importId),
        ...newImportSchema.parse(record),
        stored: 0,
        duplicates: 0,
      });
    },

    async putAudit(entry) {
      await putIfAbsent(table, auditItem(entry));
    },

    async setPersonWarnings(roundId, key, change) {
      if (change.add.length === 0 && change.remove.length === 0) return;
      const parts: string[] = [];
      const values: Record<string, unknown> = {};
      if (change.add.length > 0) {
        parts.push('ADD #w :add');
        values[':add'] = new Set(change.add);
      }
      if (change.remove.length > 0) {
        parts.push('DELETE #w :remove');
        values[':remove'] = new Set(change.remove);
      }
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: personKey(roundId, key),
            UpdateExpression: parts.join(' '),
            // Never creates a person: a flag only lands on a stored person.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#w': 'warnings' },
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async recordQuality(roundId, importId, result) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: importKey(roundId, importId),
          UpdateExpression: 'SET warned = :w, quality = :q, qualityCheckedAt = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':w': result.warned,
            ':q': { phoneShared: result.phoneShared, staffPhone: result.staffPhone },
            ':t': result.at,
          },
        }),
      );
    },

    async replaceStaffPhones(roundId, indexes) {
      const wanted = new Set(indexes);
      const old = await queryPrefix(table, respondentsPk(roundId), 'STAFFPHONE#');
      const removed = old.map((i) => String(i.phoneIndex)).filter((i) => !wanted.has(i));
      await putAll([...wanted].map((phoneIndex) => ({ ...staffPhoneKey(roundId, phoneIndex), phoneIndex })));
      await batchDeleteAll(
        table,
        removed.map((i) => staffPhoneKey(roundId, i)),
      );
      return { removed };
    },

    // Dossiers are keyed by unit + version (import) + id: a redelivered chunk rewrites the same
    // items, and another import's rows are another version — so no read and no conditional
    // write is needed. In-file duplicate ids were already rejected by the parser.
    async putDossiers(roundId, importId, rows) {
      await putAll(rows.map((row) => dossierItem(roundId, importId, row)));
      return new Map(rows.map((r) => [r.row, 'written' as const]));
    },

    async putChunk(roundId, importId, rows) {
      const persons = new Map(rows.map((r) => [r.personKey, r]));
      await putAll([
        ...rows.map((row) => dossierItem(roundId, importId, row)),
        ...[...persons.values()].map((r) => personItem(roundId, r)),
      ]);
      return new Map(rows.map((r) => [r.row, 'written' as const]));
    },

    async isChunkDone(roundId, importId, chunkIndex) {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: importKey(roundId, importId),
          ProjectionExpression: 'chunksDoneSet',
          ConsistentRead: true,
        }),
      );
      const done = out.Item?.chunksDoneSet;
      return done instanceof Set && done.has(String(chunkIndex));
    },

    async putPersons(roundId, rows) {
      const unique = new Map(rows.map((r) => [r.personKey, r]));
      await putAll([...unique.values()].map((r) => personItem(roundId, r)));
    },

    async completeChunk(roundId, importId, chunkIndex, counts) {
      const key = importKey(roundId, importId);
      let chunksDone: number;
      let chunkCount: number;
      let units: string[];
      let by: string;
      let queuing: boolean;
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression:
              'ADD #done :c, #stored :s, #dups :d SET #errors = list_append(if_not_exists(#errors, :empty), :e)',
            ConditionExpression: 'attribute_exists(pk) AND NOT contains(#done, :ci)',
            ExpressionAttributeNames: {
              '#done': 'chunksDoneSet',
              '#stored': 'stored',
              '#dups': 'duplicates',
              '#errors': 'errors',
            },
            ExpressionAttributeValues: {
              ':c': new Set([String(chunkIndex)]),
              ':ci': String(chunkIndex),
              ':s': counts.stored,
              ':d': counts.duplicates,
              ':e': counts.errors,
              ':empty': [],
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const done = out.Attributes?.chunksDoneSet;
        chunksDone = done instanceof Set ? done.size : 0;
        chunkCount = Number(out.Attributes?.chunkCount ?? 0);
        units = Array.isArray(out.Attributes?.units) ? out.Attributes.units.map(String) : [];
        by = String(out.Attributes?.createdBy ?? 'system');
        queuing = out.Attributes?.queuing === true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return 'replay';
        throw error;
      }
      if (!queuing && chunksDone >= chunkCount) return completeImport(roundId, importId, units, by);
      return 'counted';
    },
  };
};
