/** Where the runtime writes its own lines. Handlers log through their own logger to stdout. */
export interface LocalLogger {
  info(message: string): void;
  warn(message: string): void;
  /** `error` may carry a stack: it goes to the console only, never into an HTTP response. */
  error(message: string, error?: unknown): void;
}

export const consoleLogger: LocalLogger = {
  info: (message) => console.log(`[local] ${message}`),
  warn: (message) => console.warn(`[local] ${message}`),
  error: (message, error) =>
    console.error(
      `[local] ${message}`,
      ...(error === undefined ? [] : [error instanceof Error ? error : String(error)]),
    ),
};

/** Only warnings and errors: for tests. */
export const quietLogger: LocalLogger = { ...consoleLogger, info: () => {} };
