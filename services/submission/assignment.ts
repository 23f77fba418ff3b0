/** The assignment a respondent names by form token or by paper code (whichever they have). */
import type { Keys } from '../../shared/platform/crypto.ts';
import { ValidationError } from '../../shared/platform/errors.ts';
import {
  type Assignment,
  resolvePaperCode,
  resolveToken,
  type SamplesReader,
} from '../../shared/tables/samples.ts';

export interface AssignmentDeps {
  samples: Pick<SamplesReader, 'findByTokenHash'> & Partial<Pick<SamplesReader, 'findByCodeHash'>>;
  /** The server keys (a paper code is looked up by its keyed hash). */
  keys?: () => Promise<Keys>;
}

export const TOKEN_OR_CODE = 'TOKEN_OR_CODE';

/**
 * `token` (the link's) or `code` (the paper letter's), exactly one: 400 INVALID_TOKEN without either
 * or with both; then resolveToken / resolvePaperCode (400 PAPER_CODE_* before any lookup, 404, 410, 403).
 */
export const resolveAssignment = async (
  input: { token?: unknown; code?: unknown },
  deps: AssignmentDeps,
): Promise<Assignment> => {
  const hasToken = input.token !== undefined;
  const hasCode = input.code !== undefined;
  if (hasToken === hasCode || (hasToken && typeof input.token !== 'string')) {
    throw new ValidationError(
      hasToken && hasCode
        ? 'Chỉ gửi một trong hai: mã liên kết (token) hoặc mã phiếu giấy (code).'
        : 'Thiếu mã phiếu: gửi mã liên kết (token) hoặc mã in trên thư (code).',
      [{ path: 'token', code: 'INVALID_TOKEN', message: 'Cần đúng một trong hai trường token hoặc code.' }],
      'INVALID_TOKEN',
    );
  }
  if (hasToken) return resolveToken(input.token as string, deps.samples);
  if (typeof input.code !== 'string') {
    throw new ValidationError(
      'Mã phiếu (code) phải là chuỗi ký tự in trên thư.',
      [{ path: 'code', code: 'PAPER_CODE_EMPTY', message: 'Mã phiếu phải là chuỗi.' }],
      'PAPER_CODE_EMPTY',
    );
  }
  const { samples, keys } = deps;
  if (!samples.findByCodeHash || !keys) throw new Error('paper codes need findByCodeHash and keys');
  const { assignment } = await resolvePaperCode(input.code, await keys(), {
    findByCodeHash: samples.findByCodeHash,
  });
  return assignment;
};
