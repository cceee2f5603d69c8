// The one error type memOS throws. Callers branch on `code`; only the edges
// (HTTP, CLI) translate codes into statuses or exit codes.

export const ERROR_CODES = [
  'E_VALIDATION',
  'E_UNAUTHORIZED',
  'E_FORBIDDEN',
  'E_NOT_FOUND',
  'E_METHOD_NOT_ALLOWED',
  'E_CONFLICT',
  'E_PAYLOAD_TOO_LARGE',
  'E_UNSUPPORTED_MEDIA_TYPE',
  'E_HOST_NOT_ALLOWED',
  'E_RATE_LIMITED',
  'E_UNAVAILABLE',
  'E_STORAGE_UNAVAILABLE',
  'E_EMBEDDING_PROVIDER',
  'E_DIMENSION_MISMATCH',
  'E_CONFIG',
  'E_INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One offending input, named by its path, e.g. `memories[3].content`. */
export interface FieldIssue {
  field: string;
  message: string;
  /** Where the field was sent: `body`, `query`, `path` or `header`. */
  location?: string;
  /** The line of an NDJSON body (an import) that holds the field, counted from 1. */
  line?: number;
}

export interface MemosErrorDetails {
  /** The first offending field, for validation errors. */
  field?: string;
  issues?: FieldIssue[];
  /** Seconds a client should wait before retrying, for E_UNAVAILABLE-like errors and E_RATE_LIMITED. */
  retryAfter?: number;
  /** For upstream failures: whether trying again may succeed (429, 5xx, network), or not (4xx, bad answer). */
  retryable?: boolean;
  /** For upstream failures that operators tell apart (metrics): no answer in time, or not asked while the circuit is open. */
  failure?: 'timeout' | 'circuit_open';
  /** For upstream failures: the provider refused the input itself (HTTP 400, 413, 422), so other inputs may pass. */
  rejectedInput?: boolean;
  /**
   * For a chat model's answer that arrived but cannot be used: not JSON, JSON outside the asked
   * schema, no choice, a refusal, or cut off at the token limit. Not retried: at temperature 0 the
   * model would most likely answer the same.
   */
  unusableAnswer?: 'malformed' | 'off_schema' | 'empty' | 'refused' | 'truncated';
}

export class MemosError extends Error {
  override readonly name = 'MemosError';
  readonly code: ErrorCode;
  readonly details: MemosErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: MemosErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isMemosError(error: unknown): error is MemosError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && error.name === 'MemosError';
}

export function validationError(issues: FieldIssue[]): MemosError {
  const first = issues[0] ?? { field: 'body', message: 'invalid input' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new MemosError('E_VALIDATION', `${first.field}: ${first.message}${more}`, {
    details: { field: first.field, issues },
  });
}

/**
 * A value the request carried that a storage engine refused (out of range, malformed for its type):
 * E_VALIDATION, its message naming the engine, operation and engine code but never the value.
 */
export function inputError(engine: string, operation: string, code: string, cause: unknown): MemosError {
  return new MemosError('E_VALIDATION', `${engine}: ${operation} refused a value of this request as out of range or malformed (${code})`, { cause });
}

export function notFound(what: string, id: string): MemosError {
  return new MemosError('E_NOT_FOUND', `${what} '${id}' was not found`);
}
