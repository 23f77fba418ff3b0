/**
 * A text-typed request body reaches Lambda as a UTF-8 string (API Gateway HTTP APIs, and the local
 * gateway likewise): bytes of a UTF-16, Windows-1258 or TCVN3 file sent as `text/csv` arrive
 * replaced by U+FFFD and cannot be recovered. Such a body is refused as the encoding problem it is
 * (never a misleading MISSING_HEADER), telling the clerk how to send it byte-exact.
 */
import { RosterFileError } from './roster-errors.ts';

const TEXT_TYPED = /^(text\/|application\/(csv|json)\b)/i;
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

export const assertBodyNotTranscoded = (bytes: Buffer, contentType: string | undefined): void => {
  if (!TEXT_TYPED.test((contentType ?? '').trim()) || !bytes.includes(REPLACEMENT)) return;
  throw new RosterFileError(
    'UNSUPPORTED_ENCODING',
    'Tệp không ở dạng UTF-8 (có thể là UTF-16 "Unicode Text", Windows-1258 hoặc TCVN3) nên đã bị hỏng khi gửi với Content-Type dạng văn bản: hãy gửi lại với Content-Type application/octet-stream (bảng điều hành làm sẵn việc này) hoặc qua đường dẫn tải lên ký sẵn. Không dòng nào được nhập.',
  );
};
