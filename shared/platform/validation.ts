import type { z } from 'zod';
import type { ErrorDetail } from './errors.ts';

const describe = (issue: z.core.$ZodIssue): string => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'Thiếu trường bắt buộc.'
        : `Sai kiểu dữ liệu (cần ${issue.expected}).`;
    case 'too_small':
      return `Giá trị quá nhỏ hoặc quá ngắn (tối thiểu ${String(issue.minimum)}).`;
    case 'too_big':
      return `Giá trị quá lớn hoặc quá dài (tối đa ${String(issue.maximum)}).`;
    case 'unrecognized_keys':
      return `Trường không được phép: ${issue.keys.join(', ')}.`;
    case 'invalid_value':
      return `Giá trị không thuộc danh sách cho phép (${issue.values.map(String).join(', ')}).`;
    case 'invalid_format':
      return 'Sai định dạng.';
    default:
      return 'Giá trị không hợp lệ.';
  }
};

/** zod issues → error details with a Vietnamese message and the JSON path. */
export const zodDetails = (error: z.ZodError): ErrorDetail[] =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(gốc)',
    code: issue.code.toUpperCase(),
    message: describe(issue),
  }));
