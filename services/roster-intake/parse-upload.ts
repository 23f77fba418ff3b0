/**
 * Presigned path, consumer of `roster-uploads` (issue 8): a roster object arrived in the uploads
 * bucket; read it from S3 as a stream and import it the way the body path does, whatever its size.
 *
 *   1. hash the object (one streamed read): the import id is the body path's — round + bytes — so
 *      the same bytes again, by either path, resolve to the earlier import;
 *   2. check the whole file (a second streamed read, nothing sealed or kept but the counts and the
 *      first row issues): a file-level failure (empty, header only, not a spreadsheet, missing
 *      column, wrong encoding, an unclosed quote far down) marks the import `failed` with its code
 *      and Vietnamese message, and nothing else is written;
 *   3. create the import (`queuing`), then read the object a third time, seal the rows and queue
 *      them on `roster-chunks` in byte-bounded chunks as they come (memory stays bounded: one
 *      batch of chunks in flight, plus the reader's set of dossier ids);
 *   4. fix the chunk count; the import completes when its last chunk is written.
 *
 * Redelivery changes nothing: an upload already imported or failed is left as it is; a run cut
 * short while queuing is resumed by the next delivery, which queues the same chunks again (chunk
 * boundaries depend only on the bytes, sealed sizes only on the clear text), and the chunk writer
 * skips the chunks it already counted.
 */
import { createHash } from 'node:crypto';
import type { RosterChunkMessage } from '../../shared/contracts/roster-chunks.ts';
import {
  objectKeyOf,
  parseRosterUploadKey,
  type S3EventRecord,
} from '../../shared/contracts/roster-uploads.ts';
import { rosterQualityRules } from '../../shared/domain/index.ts';
import type { Principal, Role } from '../../shared/platform/auth.ts';
import type { Keys } from '../../shared/platform/crypto.ts';
import { personKeyOf } from '../../shared/platform/crypto.ts';
import { idFrom } from '../../shared/platform/ids.ts';
import type { ImportFailure, NewImport, UploadRecord } from '../../shared/tables/respondents.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import { batchEntries, chunkByBytes, MESSAGE_MAX_BYTES } from './byte-chunks.ts';
import { RosterFileError } from './roster-errors.ts';
import { type RosterSource, readRoster } from './roster-reader.ts';
import { envelopeBytes, RowTally, type SendChunkBatch } from './start-import.ts';
import type { RespondentStore } from './store.ts';

export interface ParseUploadDeps {
  store: Pick<
    RespondentStore,
    'getUpload' | 'updateUpload' | 'getImport' | 'createImport' | 'finishQueuing' | 'putAudit'
  >;
  loadRound(roundId: string): Promise<Round>;
  /** A fresh streamed read of the object (called once per pass). */
  openObject(key: string): Promise<RosterSource>;
  keys: Keys;
  send: SendChunkBatch;
  now?: () => Date;
  maxMessageBytes?: number;
  /** SendMessageBatch calls in flight while queuing. */
  sendParallelism?: number;
  /** Rows between two progress notes on the upload while the file is checked. */
  progressEvery?: number;
}

export type ParseOutcome =
  | { kind: 'ignored'; reason: 'foreign-key' | 'unknown-upload' | 'already-done' }
  | { kind: 'duplicate'; importId: string }
  | { kind: 'failed'; importId: string; code: string }
  | { kind: 'imported'; importId: string; chunkCount: number };

const principalOf = (upload: UploadRecord): Pick<Principal, 'sub' | 'roles' | 'units'> => ({
  sub: upload.createdBy,
  roles: upload.roles as Role[],
  units: upload.units,
});

const hashObject = async (source: RosterSource): Promise<string> => {
  const hash = createHash('sha256');
  if (source instanceof Uint8Array) hash.update(source);
  else for await (const chunk of source as AsyncIterable<Uint8Array | string>) hash.update(chunk);
  return hash.digest('hex');
};

export const parseUpload = async (record: S3EventRecord, deps: ParseUploadDeps): Promise<ParseOutcome> => {
  const key = objectKeyOf(record);
  const ids = parseRosterUploadKey(key);
  if (!ids) return { kind: 'ignored', reason: 'foreign-key' };
  const { store } = deps;
  const upload = await store.getUpload(ids.roundId, ids.uploadId);
  // Only objects whose key this service handed out are imported.
  if (!upload) return { kind: 'ignored', reason: 'unknown-upload' };
  if (upload.status === 'imported' || upload.status === 'failed') {
    return { kind: 'ignored', reason: 'already-done' };
  }
  const now = deps.now?.() ?? new Date();
  const round = await deps.loadRound(upload.roundId);
  const principal = principalOf(upload);
  if (upload.status === 'awaiting-upload')
    await store.updateUpload(round.id, upload.uploadId, { status: 'reading' });

  // 1. Same bytes → same import id as the body path.
  const fileHash = await hashObject(await deps.openObject(key));
  const importId = idFrom('imp', round.id, fileHash);
  const existing = await store.getImport(round.id, importId);
  if (existing && !existing.queuing) {
    const duplicate = existing.uploadId !== upload.uploadId;
    await store.updateUpload(round.id, upload.uploadId, {
      status: existing.status === 'failed' ? 'failed' : 'imported',
      importId,
      duplicateUpload: duplicate,
      ...(existing.failure ? { failure: existing.failure } : {}),
    });
    return duplicate ? { kind: 'duplicate', importId } : { kind: 'ignored', reason: 'already-done' };
  }

  const rosterOptions = {
    knownUnits: new Set(round.units.map((u) => u.code)),
    fields: round.fields,
    filename: upload.filename,
  };

  if (!existing) {
    // 2. The whole file is checked before anything of it is written.
    const tally = new RowTally(principal);
    const reader = readRoster(await deps.openObject(key), rosterOptions);
    let failure: ImportFailure | undefined;
    let seen = 0;
    const every = deps.progressEvery ?? 50_000;
    try {
      for await (const row of tally.accepted(reader)) {
        // Rule 9's merge count needs the person key only (the rows are sealed in the queuing pass).
        tally.persons.setIfAbsent(personKeyOf(deps.keys, row.fullName, row.phoneE164), 0);
        if (++seen % every === 0) await store.updateUpload(round.id, upload.uploadId, { rowsRead: seen });
      }
    } catch (error) {
      if (!(error instanceof RosterFileError)) throw error;
      failure = { code: error.code, message: error.message };
    }
    const summary = failure ? undefined : reader.summary;
    const base = {
      importId,
      roundId: round.id,
      uploadId: upload.uploadId,
      filename: upload.filename,
      fileHash,
      createdAt: now.toISOString(),
      createdBy: upload.createdBy,
    };
    const report: NewImport = failure
      ? {
          ...base,
          status: 'failed',
          failure,
          dataRows: 0,
          units: [],
          valid: 0,
          rejected: 0,
          warnings: 0,
          chunkCount: 0,
          errors: [],
          errorsTruncated: false,
        }
      : {
          ...base,
          status: tally.valid === 0 ? 'completed' : 'processing',
          ...(tally.valid === 0 ? {} : { queuing: true }),
          dataRows: summary?.dataRows ?? 0,
          units: [...tally.units].sort(),
          valid: tally.valid,
          rejected: (summary?.rejected ?? 0) + tally.notAllowed,
          warnings: tally.warnings,
          chunkCount: 0,
          errors: tally.errors,
          errorsTruncated: tally.issueCount > tally.errors.length,
          ignoredBlank: summary?.ignoredBlank ?? 0,
          merged: tally.merged,
          rowWarned: tally.rowWarned,
          phoneSharedMinNames: rosterQualityRules(round.settings).phoneSharedMinNames,
        };
    const created = await store.createImport(report);
    if (created && !failure && upload.overrideReason !== undefined) {
      await store.putAudit({
        roundId: round.id,
        at: now.toISOString(),
        id: `${importId}-override`,
        by: upload.createdBy,
        service: 'roster-intake',
        action: 'ROSTER_UPLOAD_OVERRIDE',
        target: importId,
        reason: upload.overrideReason,
        details: { filename: upload.filename.slice(0, 200), uploadId: upload.uploadId },
      });
    }
    if (failure || tally.valid === 0) {
      await store.updateUpload(round.id, upload.uploadId, {
        status: failure ? 'failed' : 'imported',
        importId,
        duplicateUpload: false,
        rowsRead: summary?.dataRows ?? 0,
        ...(failure ? { failure } : {}),
      });
      return failure
        ? { kind: 'failed', importId, code: failure.code }
        : { kind: 'imported', importId, chunkCount: 0 };
    }
  }
  await store.updateUpload(round.id, upload.uploadId, {
    importId,
    duplicateUpload: existing !== null && existing.uploadId !== upload.uploadId,
  });

  // 3. Seal and queue as the rows come.
  const tally = new RowTally(principal);
  const reader = readRoster(await deps.openObject(key), rosterOptions);
  const parallel = deps.sendParallelism ?? 4;
  const inFlight = new Set<Promise<void>>();
  let failed: unknown;
  const dispatch = async (batch: RosterChunkMessage[]) => {
    while (inFlight.size >= parallel) await Promise.race(inFlight);
    if (failed) throw failed;
    const sending: Promise<void> = deps.send(batch).then(
      () => {
        inFlight.delete(sending);
      },
      (error: unknown) => {
        inFlight.delete(sending);
        failed ??= error;
      },
    );
    inFlight.add(sending);
  };
  let chunkIndex = 0;
  let pending: RosterChunkMessage[] = [];
  const flush = async (force: boolean) => {
    // Split as SendMessageBatch allows (≤ 10 entries, ≤ 1,000 KiB); keep a partial batch until forced.
    const batches = [...batchEntries(pending)];
    const last = batches.pop();
    for (const b of batches) await dispatch(b);
    pending = last ?? [];
    if (force && pending.length > 0) {
      await dispatch(pending);
      pending = [];
    }
  };
  for await (const rows of chunkByBytes(tally.sealed(reader, deps.keys), {
    maxBytes: deps.maxMessageBytes ?? MESSAGE_MAX_BYTES,
    envelopeBytes: envelopeBytes(round.id, importId),
  })) {
    pending.push({ kind: 'roster-chunk', roundId: round.id, importId, chunkIndex: chunkIndex++, rows });
    if (pending.length >= 10) await flush(false);
  }
  await flush(true);
  await Promise.all(inFlight);
  if (failed) throw failed;

  // 4. Every chunk is queued: the import may complete.
  await store.finishQueuing(round.id, importId, chunkIndex);
  await store.updateUpload(round.id, upload.uploadId, {
    status: 'imported',
    rowsRead: reader.summary.dataRows,
  });
  return { kind: 'imported', importId, chunkCount: chunkIndex };
};
