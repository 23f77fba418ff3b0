/** Every error → `{ error: { code, message, details? } }` with its status, mapped once here. */
import { DomainError, IssuesError } from '../../core/errors.ts';
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';
import { errorBody, type HttpResult, json } from './responses.ts';

export const toErrorResponse = (error: unknown, service: string): HttpResult => {
  if (error instanceof AppError)
    return json(error.statusCode, errorBody(error.code, error.message, error.details));
  // Methodology errors carry Vietnamese messages and the exact place (question, unit, setting).
  if (error instanceof IssuesError) {
    const details = error.issues.map((i) => ({ path: i.where, code: i.code, message: i.message }));
    return json(400, errorBody(error.code, 'Cấu hình hoặc dữ liệu phương pháp không hợp lệ.', details));
  }
  if (error instanceof DomainError) return json(422, errorBody(error.code, error.message));
  logger(service).error('unhandled error', { error: error instanceof Error ? error : String(error) });
  return json(500, errorBody('INTERNAL_ERROR', 'Lỗi hệ thống, vui lòng thử lại sau.'));
};
