// The one error type of the client. A failed answer carries memOS's problem+json details; a
// request that never got an answer is `E_NETWORK`. An aborted call is not a MemosError: it rejects
// with the signal's reason (an `AbortError` DOMException unless the caller gave another), as
// `fetch` itself does, so that code which already handles aborts keeps working.
import type { Problem } from './types.js';

/**
 * memOS's error codes (docs/errors.md), plus two of the client's own: `E_NETWORK` (no answer:
 * connection refused or reset, DNS, TLS) and `E_HTTP` (an answer that is not memOS's problem+json,
 * e.g. from a proxy in front of it).
 */
export type MemosErrorCode =
  | 'E_VALIDATION'
  | 'E_UNAUTHORIZED'
  | 'E_FORBIDDEN'
  | 'E_NOT_FOUND'
  | 'E_METHOD_NOT_ALLOWED'
  | 'E_CONFLICT'
  | 'E_PAYLOAD_TOO_LARGE'
  | 'E_UNSUPPORTED_MEDIA_TYPE'
  | 'E_HOST_NOT_ALLOWED'
  | 'E_RATE_LIMITED'
  | 'E_UNAVAILABLE'
  | 'E_STORAGE_UNAVAILABLE'
  | 'E_EMBEDDING_PROVIDER'
  | 'E_DIMENSION_MISMATCH'
  | 'E_CONFIG'
  | 'E_INTERNAL'
  | 'E_NETWORK'
  | 'E_HTTP'
  // A code a newer server sends, which this list does not know yet.
  | (string & {});

export interface MemosErrorOptions {
  status?: number | undefined;
  problem?: Problem | undefined;
  retryAfterMs?: number | undefined;
  method?: string | undefined;
  path?: string | undefined;
  cause?: unknown;
}

export class MemosError extends Error {
  override readonly name = 'MemosError';
  /** memOS's error code, e.g. `E_NOT_FOUND`; `E_NETWORK` when no answer came. */
  readonly code: MemosErrorCode;
  /** The HTTP status; undefined for `E_NETWORK`. */
  readonly status: number | undefined;
  /** The whole problem+json answer (title, detail, field, errors[], requestId …), when there was one. */
  readonly problem: Problem | undefined;
  /** How long the server asked to wait before retrying (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The request's id (`X-Request-Id`), to find it in memOS's logs. */
  readonly requestId: string | undefined;
  /** The method and path template of the call, e.g. `GET /api/v1/memories/{id}`. */
  readonly operation: string | undefined;

  constructor(code: MemosErrorCode, message: string, options: MemosErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.problem = options.problem;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = problemField(options.problem, 'requestId');
    this.operation = options.method === undefined ? undefined : `${options.method} ${options.path ?? ''}`;
  }

  /** The field the server named (`problem.field`, else the first of `problem.errors`), if any. */
  get field(): string | undefined {
    return problemField(this.problem, 'field') ?? this.fieldErrors[0]?.field;
  }

  /** Each invalid field of a 400, as the server listed them. */
  get fieldErrors(): Array<{ field: string; message: string }> {
    const errors: unknown = this.problem === undefined ? undefined : (this.problem as Record<string, unknown>).errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((issue: unknown) => {
      if (typeof issue !== 'object' || issue === null) return [];
      const { field, message } = issue as Record<string, unknown>;
      return typeof field === 'string' ? [{ field, message: typeof message === 'string' ? message : '' }] : [];
    });
  }
}

/** Whether `error` is a MemosError, also across two copies of this package. */
export function isMemosError(error: unknown): error is MemosError {
  return error instanceof MemosError || (error instanceof Error && error.name === 'MemosError' && typeof (error as { code?: unknown }).code === 'string');
}

function problemField(problem: Problem | undefined, name: string): string | undefined {
  if (problem === undefined || typeof problem !== 'object' || problem === null) return undefined;
  const value = (problem as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The MemosError of a failed answer: the problem+json's code and detail, or `E_HTTP` with the status. */
export function errorOfAnswer(status: number, body: unknown, retryAfterMs: number | undefined, method: string, path: string): MemosError {
  const problem = isProblem(body) ? (body as Problem) : undefined;
  const fields = (problem ?? {}) as Record<string, unknown>;
  const code = typeof fields.code === 'string' ? fields.code : 'E_HTTP';
  const detail = typeof fields.detail === 'string' ? fields.detail : typeof fields.title === 'string' ? fields.title : `answered HTTP ${status}`;
  return new MemosError(code, `${method} ${path}: ${detail}`, { status, problem, retryAfterMs, method, path });
}

function isProblem(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const fields = body as Record<string, unknown>;
  return typeof fields.code === 'string' || typeof fields.title === 'string' || typeof fields.detail === 'string';
}
