/**
 * The engine's one error type. `code` is stable (tests, the API and the UI switch on it); `message`
 * says what happened and what to do; `file` names the file at fault when there is one.
 */
export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'NOT_FOUND'
  | 'MODEL_MISSING'
  | 'MODEL_INVALID'
  | 'MODEL_BUSY'
  | 'CHECKSUM_MISMATCH'
  | 'OFFLINE'
  | 'DOWNLOAD_FAILED'
  | 'DECODE_FAILED'
  | 'UNSUPPORTED_FORMAT'
  | 'TOO_LARGE'
  | 'UNREADABLE'
  | 'CHANGED_WHILE_READING'
  | 'OUTSIDE_LIBRARY'
  | 'INDEX_NEWER'
  | 'INDEX_CORRUPT'
  | 'INDEX_LOCKED'
  | 'INDEX_OUTDATED'
  | 'DISK_FULL'
  | 'NATIVE_UNAVAILABLE'
  | 'FORBIDDEN'
  | 'INTERNAL';

export class EidosError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EidosError';
    this.code = code;
    this.file = options.file;
  }
}

export function isEidosError(error: unknown, code?: ErrorCode): error is EidosError {
  return error instanceof EidosError && (code === undefined || error.code === code);
}

/** A one-line message for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
