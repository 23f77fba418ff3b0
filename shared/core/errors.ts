/**
 * Base error classes shared by the methodology core (shared/domain) and the plumbing (shared/platform):
 * neutral, so the HTTP error mapper can recognise methodology errors without importing survey rules.
 * Every error has a stable machine-readable `code`; messages are Vietnamese because they reach users.
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
