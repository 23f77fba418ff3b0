/** The roster parser's public surface (for the import use cases and their tests). */
export {
  BATCH_MAX_BYTES,
  BATCH_MAX_ENTRIES,
  batchEntries,
  chunkByBytes,
  MESSAGE_MAX_BYTES,
  RowTooLargeError,
} from './byte-chunks.ts';
export { type Delimiter, MAX_RECORD_CHARS } from './csv-source.ts';
export type { TextEncoding } from './decode.ts';
export type { LegacyFont } from './legacy-fonts.ts';
export { normalisePhone, type PhoneResult } from './phone.ts';
export { RosterFileError, type RosterFileErrorCode } from './roster-errors.ts';
export {
  type ReadRosterOptions,
  type RosterReader,
  type RosterSource,
  type RosterSummary,
  readRoster,
} from './roster-reader.ts';
export {
  type AcceptedRow,
  DEFAULT_MAX_CELL_CHARS,
  ISSUE_VALUE_CHARS,
  PERSONAL_COLUMNS,
  type RejectedRow,
  type RosterRowResult,
  type RowErrorCode,
  type RowIssue,
  type RowRules,
  type RowWarningCode,
} from './roster-rows.ts';
