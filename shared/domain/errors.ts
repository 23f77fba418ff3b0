/**
 * Domain errors. Every error has a stable machine-readable `code`; messages are Vietnamese because they
 * reach users (ops staff uploading a template or a catalogue) through the HTTP error mapper.
 */
import { DomainError, IssuesError } from '../core/errors.ts';

export { DomainError, type Issue, IssuesError } from '../core/errors.ts';

export class TemplateError extends IssuesError {
  readonly code = 'INVALID_TEMPLATE';
}

export class TemplateNotFoundError extends DomainError {
  readonly code = 'TEMPLATE_NOT_FOUND';
  constructor(readonly templateId: string) {
    super(`không tìm thấy mẫu phiếu "${templateId}"`);
  }
}

export class CatalogueError extends IssuesError {
  readonly code = 'INVALID_CATALOGUE';
}

export class ConfigError extends IssuesError {
  readonly code = 'INVALID_CONFIG';
}

export class ScoreOutOfRangeError extends DomainError {
  readonly code = 'SCORE_OUT_OF_RANGE';
  constructor(
    readonly componentCode: string,
    message: string,
  ) {
    super(message);
  }
}

export class ScoringInputError extends DomainError {
  readonly code = 'INVALID_SCORING_INPUT';
}

export class RaterMatrixError extends IssuesError {
  readonly code = 'INVALID_RATER_MATRIX';
}

export class SamplingInputError extends DomainError {
  readonly code = 'INVALID_SAMPLING_INPUT';
}
