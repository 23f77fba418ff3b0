/**
 * Quality checks run once an import completes (issue 8 §4). Stub: the intake-report helper
 * replaces the body; the signature is the agreed seam called by the chunk consumer.
 */
export const runQualityChecks = async (
  _roundId: string,
  _importId: string,
  _deps: unknown,
): Promise<void> => {};
