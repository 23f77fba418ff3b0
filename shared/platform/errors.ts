/**
 * Errors are classes, mapped to HTTP once (see http.ts). Every error carries a stable
 * machine-readable `code` and a Vietnamese message safe to show to users.
 */
export interface ErrorDetail {
  path?: string;
  row?: number;
  column?: string;
  code: string;
  message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;
  constructor(statusCode: number, code: string, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: ErrorDetail[], code = 'VALIDATION_ERROR') {
    super(400, code, message, details);
  }
}
export class MalformedJsonError extends AppError {
  constructor() {
    super(400, 'MALFORMED_JSON', 'Nội dung yêu cầu không phải JSON hợp lệ.');
  }
}
export class UnauthenticatedError extends AppError {
  constructor(code = 'UNAUTHENTICATED', message = 'Cần đăng nhập: thiếu mã xác thực (Bearer token).') {
    super(401, code, message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'Bạn không có quyền thực hiện thao tác này.') {
    super(403, 'FORBIDDEN', message);
  }
}
export class NotFoundError extends AppError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(404, code, message);
  }
}
export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number, hint?: string) {
    super(
      413,
      'PAYLOAD_TOO_LARGE',
      `Nội dung quá lớn (tối đa ${Math.floor(limitBytes / 1024)} KB).${hint ? ` ${hint}` : ''}`,
    );
  }
}
export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message);
  }
}
export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(422, code, message, details);
  }
}
