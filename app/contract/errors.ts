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
  | 'CANCELLED'
  | 'FORBIDDEN'
  | 'INTERNAL';

/**
 * The HTTP status of each code, for every transport that speaks HTTP (the loopback bridge and the
 * Electron `eidos://` protocol). 4xx: the request or the library's state is at fault and the message
 * says what to do; 5xx: Eidos or the machine failed. Typed as a full record so a new code needs a status.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_ARGUMENT: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  MODEL_MISSING: 409,
  MODEL_INVALID: 409,
  MODEL_BUSY: 409,
  INDEX_NEWER: 409,
  INDEX_CORRUPT: 409,
  INDEX_LOCKED: 409,
  INDEX_OUTDATED: 409,
  CHANGED_WHILE_READING: 409,
  // The work was stopped on request (cancelMap): nothing failed, the request has no answer.
  CANCELLED: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_FORMAT: 415,
  DECODE_FAILED: 422,
  UNREADABLE: 422,
  OUTSIDE_LIBRARY: 422,
  CHECKSUM_MISMATCH: 502,
  DOWNLOAD_FAILED: 502,
  OFFLINE: 503,
  NATIVE_UNAVAILABLE: 500,
  DISK_FULL: 507,
  INTERNAL: 500,
};

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
