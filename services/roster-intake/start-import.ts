/**
 * Roster upload: parse and validate the file, match units and fields against the round,
 * seal personal data, then queue the rows in chunks. The import id is derived from the
 * round and the file's bytes, so uploading the same file again returns the same import
 * and stores nothing twice.
 */

import {
  type ChunkRow,
  ROWS_PER_CHUNK,
  type RosterChunkMessage,
  type SendRosterChunks,
  sendRosterChunks,
} from '../../shared/contracts/roster-chunks.ts';
import { foldKey } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { encryptPii, type Keys, personKeyOf, sha256Hex } from '../../shared/platform/crypto.ts';
import { idFrom } from '../../shared/platform/ids.ts';
import { MAX_STORED_ERRORS, type NewImport } from '../../shared/tables/respondents.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import { parseRoster, type RowIssue } from './parse-roster.ts';
import type { RespondentStore } from './store.ts';

export interface StartImportDeps {
  store: Pick<RespondentStore, 'getImport' | 'createImport'>;
  keys: Keys;
  send?: SendRosterChunks;
  now?: () => Date;
}

const fieldMatcher = (round: Round) => {
  const index = new Map<string, string>();
  for (const f of round.fields) {
    index.set(foldKey(f.code), f.code);
    index.set(foldKey(f.name), f.code);
  }
  return (raw: string): string | undefined => index.get(foldKey(raw));
};

export const startImport = async (
  round: Round,
  file: { bytes: Buffer; filename: string },
  principal: Principal,
  deps: StartImportDeps,
): Promise<{ importId: string; created: boolean }> => {
  const importId = idFrom('imp', round.id, sha256Hex(file.bytes));
  const existing = await deps.store.getImport(round.id, importId);
  if (existing?.status === 'completed') return { importId, created: false };
  const parsed = parseRoster(file.bytes);

  const unitCodes = new Set(round.units.map((u) => u.code));
  const matchField = fieldMatcher(round);
  const errors: RowIssue[] = [...parsed.errors];
  const rows: ChunkRow[] = [];
  for (const r of parsed.rows) {
    const fieldCode = matchField(r.field);
    if (!unitCodes.has(r.unitCode)) {
      errors.push({
        row: r.row,
        column: 'Mã đơn vị',
        code: 'UNKNOWN_UNIT',
        message: `Mã đơn vị "${r.unitCode}" không thuộc đợt khảo sát.`,
      });
    } else if (!canAccessUnit(principal, r.unitCode)) {
      errors.push({
        row: r.row,
        column: 'Mã đơn vị',
        code: 'UNIT_NOT_ALLOWED',
        message: `Bạn không được gửi danh sách cho đơn vị "${r.unitCode}".`,
      });
    } else if (!fieldCode) {
      errors.push({
        row: r.row,
        column: 'Lĩnh vực',
        code: 'UNKNOWN_FIELD',
        message: `Lĩnh vực "${r.field}" không thuộc đợt khảo sát.`,
      });
    } else {
      rows.push({
        row: r.row,
        dossierId: r.dossierId,
        personKey: personKeyOf(deps.keys, r.fullName, r.phoneE164),
        nameEnc: encryptPii(deps.keys, r.fullName),
        phoneEnc: encryptPii(deps.keys, r.phoneE164),
        phoneKind: r.phoneKind,
        unitCode: r.unitCode,
        fieldCode,
        completedOn: r.completedOn,
        // Every parsed field is kept, sealed like the name and phone (data rules: personal data).
        ...(r.address ? { addressEnc: encryptPii(deps.keys, r.address) } : {}),
        ...(r.birthYear ? { birthYearEnc: encryptPii(deps.keys, String(r.birthYear)) } : {}),
        ...(r.sex ? { sexEnc: encryptPii(deps.keys, r.sex) } : {}),
      });
    }
  }
  errors.sort((a, b) => a.row - b.row);

  const chunks: RosterChunkMessage[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    chunks.push({
      kind: 'roster-chunk',
      roundId: round.id,
      importId,
      chunkIndex: chunks.length,
      chunkCount: Math.ceil(rows.length / ROWS_PER_CHUNK),
      rows: rows.slice(i, i + ROWS_PER_CHUNK),
    });
  }

  const record: NewImport = {
    importId,
    roundId: round.id,
    status: chunks.length === 0 ? 'completed' : 'processing',
    filename: file.filename,
    fileHash: sha256Hex(file.bytes),
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
    createdBy: principal.sub,
    dataRows: parsed.dataRows,
    valid: rows.length,
    rejected: errors.length,
    warnings: parsed.warnings.length,
    chunkCount: chunks.length,
    errors: errors.slice(0, MAX_STORED_ERRORS),
    errorsTruncated: errors.length > MAX_STORED_ERRORS,
  };
  const created = existing ? false : await deps.store.createImport(record);
  // Re-sending is safe (the consumer is idempotent) and heals an upload whose earlier
  // attempt stored the report but failed before every chunk was queued.
  await (deps.send ?? sendRosterChunks)(chunks);
  return { importId, created };
};
