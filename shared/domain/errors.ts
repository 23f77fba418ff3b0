/**
 * Domain errors. Every error has a stable machine-readable `code`; messages are Vietnamese because they
 * reach users (ops staff uploading a template or a catalogue) through the HTTP error mapper.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** One problem found while validating a template, catalogue or configuration. */
export interface Issue {
  /** Where the problem is, in the user's terms: question id, unit code, CSV row, config path. */
  where: string;
  code: string;
  message: string;
}

/** Base for validators that collect every problem before failing; the message lists them all. */
export abstract class IssuesError extends DomainError {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map((i) => i.message).join('; '));
    this.issues = issues;
  }
}

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
