/**
 * Roster upload (body path): stream the file through readRoster (any format and encoding it
 * knows), seal personal data, group rows into queue messages by BYTES and send them in batches
 * that stay under the SQS limits whatever the row width (issue 8: the 20,000-row roster with
 * addresses broke one SendMessageBatch).
 *
 * Nothing is written until the whole file has been read: a file-level failure (empty, no
 * header, wrong encoding, an unclosed quote far down) throws before the import record exists,
 * so a failed upload leaves nothing behind. The body is at most 10 MB, so holding its sealed
 * chunks until then is bounded; larger files take the presigned path.
 *
 * The import id is derived from the round and the file's bytes: the same file again returns
 * the same import and stores nothing twice.
 */

import type { Readable } from 'node:stream';
import {
  type ChunkRow,
  type RosterChunkMessage,
  sendRosterChunks,
} from '../../shared/contracts/roster-chunks.ts';
import { assertAllowed, canUploadRoster, rosterQualityRules } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import {
  encryptPii,
  type Keys,
  personKeyOf,
  phoneBlindIndex,
  sha256Hex,
} from '../../shared/platform/crypto.ts';
import { idFrom } from '../../shared/platform/ids.ts';
import { MAX_STORED_ERRORS, type NewImport, type StoredRowIssue } from '../../shared/tables/respondents.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import { batchEntries, chunkByBytes, MESSAGE_MAX_BYTES } from './byte-chunks.ts';
import { FingerprintMap } from './fingerprint-map.ts';
import { readRoster } from './roster-reader.ts';
import type { AcceptedRow, RosterRowResult, RowIssue } from './roster-rows.ts';
import type { RespondentStore } from './store.ts';

export type SendChunkBatch = (messages: readonly RosterChunkMessage[]) => Promise<void>;

export interface StartImportDeps {
  store: Pick<RespondentStore, 'getImport' | 'createImport' | 'putAudit'>;
  keys: Keys;
  /** Sends one SendMessageBatch (≤ 10 entries, ≤ 1,000 KiB of bodies). */
  send?: SendChunkBatch;
  now?: () => Date;
  /** Message body cap (tests use a small one to force many chunks). */
  maxMessageBytes?: number;
}

export interface UploadOptions {
  /** An admin's reason to accept a roster after the deadline / once rosters are closed. */
  overrideReason?: string;
}

/** Stored issues never carry the original value: it may be a name, a phone or an address. */
const stored = ({ row, column, code, message }: RowIssue): StoredRowIssue => ({ row, column, code, message });

export const sealRow = (keys: Keys, r: AcceptedRow): ChunkRow => ({
  row: r.row,
  dossierId: r.dossierId,
  personKey: personKeyOf(keys, r.fullName, r.phoneE164),
  nameEnc: encryptPii(keys, r.fullName),
  phoneEnc: encryptPii(keys, r.phoneE164),
  phoneKind: r.phoneKind,
  unitCode: r.unitCode,
  fieldCode: r.fieldCode,
  completedOn: r.completedOn,
  ...(r.address ? { addressEnc: encryptPii(keys, r.address) } : {}),
  ...(r.raterGroup ? { raterGroup: r.raterGroup } : {}),
  ...(r.birthYear ? { birthYearEnc: encryptPii(keys, String(r.birthYear)) } : {}),
  ...(r.sex ? { sexEnc: encryptPii(keys, r.sex) } : {}),
  phoneIndex: phoneBlindIndex(keys, r.phoneE164),
  ...(r.warnings.length > 0 ? { warnings: [...new Set(r.warnings.map((w) => w.code))] } : {}),
});

/** Bytes of a message around its rows array, with the widest index/count it could carry. */
export const envelopeBytes = (roundId: string, importId: string): number =>
  Buffer.byteLength(
    JSON.stringify({
      kind: 'roster-chunk',
      roundId,
      importId,
      chunkIndex: 99_999_999,
      chunkCount: 99_999_999,
      rows: [],
    }),
  );

/** Refuses uploads the round's lifecycle does not allow (guard code + Vietnamese message). */
/**
 * The rows of a roster as the queue carries them, with the counts the import report keeps: rejected
 * rows' issues (the first MAX_STORED_ERRORS, in row order), rows of units the caller may not send,
 * warnings and the units the file carries. Shared by the body path and the presigned path.
 */
export class RowTally {
  readonly errors: StoredRowIssue[] = [];
  issueCount = 0;
  warnings = 0;
  valid = 0;
  notAllowed = 0;
  /** Accepted rows with at least one warning. */
  rowWarned = 0;
  readonly units = new Set<string>();
  /**
   * Rule 9: rows of one person (same name + phone) become one respondent; `merged` counts the rows
   * that joined a person already seen. The person keys' fingerprints (like the row processor's
   * dossier ids): about 16 MB per million persons.
   */
  readonly persons = new FingerprintMap();

  /** Accepted rows that joined a person already seen in this file. */
  get merged(): number {
    return this.valid - this.persons.size;
  }

  constructor(private readonly principal: Pick<Principal, 'units'>) {}

  private issue(issue: StoredRowIssue): void {
    this.issueCount++;
    if (this.errors.length < MAX_STORED_ERRORS) this.errors.push(issue);
  }

  /** Counts every row; yields the accepted ones, still in clear (the check pass needs no sealing). */
  async *accepted(reader: AsyncIterable<RosterRowResult>): AsyncGenerator<AcceptedRow> {
    for await (const r of reader) {
      if (r.kind === 'rejected') {
        for (const i of r.issues) this.issue(stored(i));
      } else if (!canAccessUnit(this.principal as Principal, r.unitCode)) {
        this.notAllowed++;
        this.issue({
          row: r.row,
          column: 'Mã đơn vị',
          code: 'UNIT_NOT_ALLOWED',
          message: `Bạn không được gửi danh sách cho đơn vị "${r.unitCode}".`,
        });
      } else {
        this.warnings += r.warnings.length;
        if (r.warnings.length > 0) this.rowWarned++;
        this.valid++;
        this.units.add(r.unitCode);
        yield r;
      }
    }
  }

  async *sealed(reader: AsyncIterable<RosterRowResult>, keys: Keys): AsyncGenerator<ChunkRow> {
    for await (const r of this.accepted(reader)) {
      const sealed = sealRow(keys, r);
      this.persons.setIfAbsent(sealed.personKey, 0);
      yield sealed;
    }
  }
}

export const assertUploadAllowed = (
  round: Round,
  principal: Principal,
  now: Date,
  options: UploadOptions,
): { reason: string } | undefined => {
  const decision = assertAllowed(
    canUploadRoster(
      round,
      now,
      options.overrideReason === undefined
        ? undefined
        : { roles: principal.roles, reason: options.overrideReason },
    ),
  );
  return decision.override;
};

export const startImport = async (
  round: Round,
  file: { bytes: Buffer; filename: string; contentType?: string },
  principal: Principal,
  deps: StartImportDeps,
  options: UploadOptions = {},
): Promise<{ importId: string; created: boolean }> => {
  const now = deps.now?.() ?? new Date();
  const override = assertUploadAllowed(round, principal, now, options);
  const fileHash = sha256Hex(file.bytes);
  const importId = idFrom('imp', round.id, fileHash);
  const existing = await deps.store.getImport(round.id, importId);
  if (existing?.status === 'completed') return { importId, created: false };

  const reader = readRoster(file.bytes as Uint8Array | Readable, {
    knownUnits: new Set(round.units.map((u) => u.code)),
    fields: round.fields,
    filename: file.filename,
    ...(file.contentType ? { contentType: file.contentType } : {}),
  });
  const tally = new RowTally(principal);
  const accepted = () => tally.sealed(reader, deps.keys);
  // The whole file is read (and every file-level check passed) before anything is written.
  const rowGroups: ChunkRow[][] = [];
  for await (const rows of chunkByBytes(accepted(), {
    maxBytes: deps.maxMessageBytes ?? MESSAGE_MAX_BYTES,
    envelopeBytes: envelopeBytes(round.id, importId),
  })) {
    rowGroups.push(rows);
  }
  const summary = reader.summary;
  const chunks: RosterChunkMessage[] = rowGroups.map((rows, chunkIndex) => ({
    kind: 'roster-chunk',
    roundId: round.id,
    importId,
    chunkIndex,
    chunkCount: rowGroups.length,
    rows,
  }));
  const { errors } = tally;
  const record: NewImport = {
    importId,
    roundId: round.id,
    status: chunks.length === 0 ? 'completed' : 'processing',
    filename: file.filename,
    fileHash,
    createdAt: now.toISOString(),
    createdBy: principal.sub,
    dataRows: summary.dataRows,
    units: [...tally.units].sort(),
    valid: tally.valid,
    rejected: summary.rejected + tally.notAllowed,
    warnings: tally.warnings,
    chunkCount: chunks.length,
    errors,
    errorsTruncated: tally.issueCount > errors.length,
    ignoredBlank: summary.ignoredBlank,
    merged: tally.merged,
    rowWarned: tally.rowWarned,
    phoneSharedMinNames: rosterQualityRules(round.settings).phoneSharedMinNames,
  };
  const created = existing ? false : await deps.store.createImport(record);
  if (created && override) {
    await deps.store.putAudit({
      roundId: round.id,
      at: now.toISOString(),
      id: `${importId}-override`,
      by: principal.sub,
      service: 'roster-intake',
      action: 'ROSTER_UPLOAD_OVERRIDE',
      target: importId,
      reason: override.reason,
      details: { filename: file.filename.slice(0, 200) },
    });
  }
  // Re-sending is safe (the consumer is idempotent) and heals an upload whose earlier
  // attempt stored the report but failed before every chunk was queued.
  const send = deps.send ?? sendRosterChunks;
  const batches = [...batchEntries(chunks)];
  const PARALLEL = 4;
  for (let i = 0; i < batches.length; i += PARALLEL) {
    await Promise.all(batches.slice(i, i + PARALLEL).map((b) => send(b)));
  }
  return { importId, created };
};
