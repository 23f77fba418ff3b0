/**
 * Whole-file failures of a roster (data-rules rule 12): nothing is stored, the user sees one
 * Vietnamese message and a stable code. A subclass of UnprocessableError so the HTTP layer
 * maps it to 422 without knowing about rosters.
 */
import { type ErrorDetail, UnprocessableError } from '../../shared/platform/errors.ts';

export type RosterFileErrorCode =
  | 'EMPTY_FILE'
  | 'NO_DATA_ROWS'
  | 'MISSING_HEADER'
  | 'MISSING_COLUMN'
  | 'MALFORMED_CSV'
  | 'UNSUPPORTED_ENCODING'
  | 'UNSUPPORTED_FORMAT';

export class RosterFileError extends UnprocessableError {
  declare readonly code: RosterFileErrorCode;
  constructor(code: RosterFileErrorCode, message: string, details?: ErrorDetail[]) {
    super(code, message, details);
  }
}

export const emptyFile = () => new RosterFileError('EMPTY_FILE', 'Tệp rỗng: không có dòng dữ liệu nào.');

export const unsupportedEncoding = (encoding: string, hint: string) =>
  new RosterFileError(
    'UNSUPPORTED_ENCODING',
    `Tệp dùng bảng mã ${encoding}, hệ thống không đọc được: ${hint} Không dòng nào được nhập.`,
  );

export const unsupportedFormat = (what: string) =>
  new RosterFileError(
    'UNSUPPORTED_FORMAT',
    `${what} Hãy gửi tệp Excel (.xlsx) hoặc CSV. Không dòng nào được nhập.`,
  );

/** Rule 4: the header is looked for in rows 1–20. */
export const HEADER_SEARCH_ROWS = 20;

export const missingHeader = () =>
  new RosterFileError(
    'MISSING_HEADER',
    `Không tìm thấy dòng tiêu đề (Họ và tên, Số điện thoại, Mã hồ sơ …) trong ${HEADER_SEARCH_ROWS} dòng đầu. Không dòng nào được nhập.`,
  );
