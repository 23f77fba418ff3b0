/** Failures of the local runtime that the CLI turns into one clear line (Vietnamese + English). */
export type LocalRuntimeErrorCode =
  | 'PORT_BUSY'
  | 'JAVA_MISSING'
  | 'ENGINE_FAILED'
  | 'ENGINE_TIMEOUT'
  | 'SCHEDULE_UNKNOWN'
  | 'CONFIG_INVALID';

export class LocalRuntimeError extends Error {
  override readonly name = 'LocalRuntimeError';
  constructor(
    readonly code: LocalRuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
