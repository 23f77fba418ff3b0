/**
 * The PAR Index composition (Chỉ số CCHC: appraised criteria + survey components, shared/domain/
 * par-index.ts): a unit's component points → its index out of the applicable maximum. Reachable from
 * scoring now; a later issue feeds it the appraised scores next to the survey points computed here.
 */
import {
  type DecimalInput,
  PAR_INDEX_CONFIGS,
  type ParResult,
  type ParRules,
  scorePar,
} from '../../shared/domain/index.ts';
import { NotFoundError } from '../../shared/platform/errors.ts';

export const composeParIndex = (
  configId: string,
  scores: Record<string, DecimalInput | null>,
  rules?: Partial<ParRules>,
): ParResult => {
  const config = PAR_INDEX_CONFIGS.find((c) => c.id === configId);
  if (!config)
    throw new NotFoundError(`Không có cấu hình Chỉ số CCHC "${configId}".`, 'PAR_CONFIG_NOT_FOUND');
  return scorePar({ config, scores, ...(rules ? { rules } : {}) });
};
