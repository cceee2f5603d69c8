// The HTTP edge's error translation: every failure leaves as RFC 9457 problem+json.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_CODES, isMemosError, MemosError, validationError, type ErrorCode, type FieldIssue } from '../core/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS: Record<ErrorCode, number> = {
  E_VALIDATION: 400,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_METHOD_NOT_ALLOWED: 405,
  E_CONFLICT: 409,
  E_PAYLOAD_TOO_LARGE: 413,
  E_UNSUPPORTED_MEDIA_TYPE: 415,
  E_HOST_NOT_ALLOWED: 421,
  E_RATE_LIMITED: 429,
  E_UNAVAILABLE: 503,
  E_STORAGE_UNAVAILABLE: 503,
  E_EMBEDDING_PROVIDER: 502,
  E_DIMENSION_MISMATCH: 500,
  E_CONFIG: 500,
  E_INTERNAL: 500,
};

export const TITLE: Record<ErrorCode, string> = {
  E_VALIDATION: 'Invalid request',
  E_UNAUTHORIZED: 'Unauthorized',
  E_FORBIDDEN: 'Forbidden',
  E_NOT_FOUND: 'Not found',
  E_METHOD_NOT_ALLOWED: 'Method not allowed',
  E_CONFLICT: 'Conflict',
  E_PAYLOAD_TOO_LARGE: 'Payload too large',
  E_UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  E_HOST_NOT_ALLOWED: 'Host not allowed',
  E_RATE_LIMITED: 'Too many requests',
  E_UNAVAILABLE: 'Service unavailable',
  E_STORAGE_UNAVAILABLE: 'Storage unavailable',
  E_EMBEDDING_PROVIDER: 'Embedding provider failed',
  E_DIMENSION_MISMATCH: 'Embedding dimension mismatch',
  E_CONFIG: 'Server misconfigured',
  E_INTERNAL: 'Internal error',
};

/** One offending input of a 400 (or of a 403 or 409 that names its field). */
export const fieldIssueSchema = z
  .object({
    field: z.string().describe('The field, by its path in the request: `memories[0].content`, `limit`, `namespace`, `x-memos-namespace`'),
    message: z.string().describe('What is wrong with it, in words: `must not be empty`, `must be one of: fact, preference, …`'),
    location: z.enum(['body', 'query', 'path', 'header']).optional().describe('Where the field was sent'),
    line: z.number().int().min(1).optional().describe('On an import: the NDJSON line that holds the field, counted from 1'),
  })
  .describe('One offending field of a request') satisfies z.ZodType<FieldIssue>;

/**
 * Every error memOS answers, as RFC 9457 problem details (`application/problem+json`). Clients
 * branch on `code` (stable) rather than on `title` or `detail` (words, which may change).
 */
export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem: `urn:memos:problem:<code without E_, lower case>`, e.g. `urn:memos:problem:not_found`'),
    title: z.string().describe('A short summary of the kind of problem, the same for every answer of one code: `Not found`'),
    status: z.number().int().min(400).max(599).describe('The HTTP status, as on the response'),
    detail: z.string().describe('What went wrong with this request, in words safe to show: it names fields and ids, never secrets or memory text'),
    code: z.enum(ERROR_CODES).describe('The memOS error code: branch on this'),
    instance: z.string().describe('The path of the request, without its query'),
    requestId: z.string().describe('The request id, also sent as the `X-Request-Id` header and written to the server log'),
    field: z.string().optional().describe('The first offending field, when the problem is about one'),
    errors: z.array(fieldIssueSchema).optional().describe('Every offending field, when the problem is about fields'),
    error: z
      .object({
        message: z.string().describe('The same as `detail`'),
        type: z.enum(['invalid_request_error', 'server_error']).describe('`invalid_request_error` for 4xx, `server_error` for 5xx'),
        param: z.string().nullable().describe('The same as `field`, or null'),
        code: z.enum(ERROR_CODES).describe('The same as `code`'),
      })
      .optional()
      .describe('Only on the OpenAI-compatible routes (`/v1/…`): the same error in the shape OpenAI’s SDKs read'),
  })
  .describe('An error, as RFC 9457 problem details');

/** A problem as memOS builds it (`errors` as the core names fields; the schema lists the locations memOS uses). */
export type Problem = Omit<z.infer<typeof problemSchema>, 'errors'> & { errors?: FieldIssue[] };

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** Turns anything thrown while serving a request into a MemosError with a safe message. */
export function toMemosError(error: unknown): MemosError {
  if (isMemosError(error)) return error;
  const fastifyError = error as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const location = fastifyError.validationContext ?? 'body';
    return validationError(fastifyError.validation.flatMap((issue) => fieldIssues(location, issue)));
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return validationError([{ field: 'body', message: 'is not valid JSON' }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return validationError([{ field: 'body', message: 'is empty; send a JSON object' }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MemosError('E_PAYLOAD_TOO_LARGE', 'body: is larger than this server accepts', { details: { field: 'body' } });
    case 'FST_ERR_BAD_URL':
      return validationError([{ field: 'path', message: 'is not valid percent-encoded UTF-8', location: 'path' }]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return validationError([{ field: 'path', message: 'has a segment longer than 512 characters', location: 'path' }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MemosError('E_UNSUPPORTED_MEDIA_TYPE', 'body: send application/json', { details: { field: 'body' } });
  }
  const status = fastifyError.statusCode;
  if (error instanceof SyntaxError || (typeof status === 'number' && status >= 400 && status < 500)) {
    // Other client errors from the framework (prototype poisoning, bad content length, ...).
    return validationError([{ field: 'body', message: fastifyError.message }]);
  }
  return new MemosError('E_INTERNAL', 'the server failed to handle this request', { cause: error });
}

export function problemOf(error: MemosError, request: FastifyRequest): Problem {
  const status = STATUS[error.code];
  const openAi = request.url.startsWith('/v1/')
    ? { error: { message: error.message, type: status < 500 ? ('invalid_request_error' as const) : ('server_error' as const), param: error.details?.field ?? null, code: error.code } }
    : {};
  return {
    type: `urn:memos:problem:${error.code.slice(2).toLowerCase()}`,
    title: TITLE[error.code],
    status,
    detail: error.message,
    code: error.code,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: String(request.id),
    ...(error.details?.field === undefined ? {} : { field: error.details.field }),
    ...(error.details?.issues === undefined ? {} : { errors: error.details.issues }),
    ...openAi,
  };
}

export function sendProblem(reply: FastifyReply, error: MemosError): FastifyReply {
  const problem = problemOf(error, reply.request);
  if (error.details?.retryAfter !== undefined) void reply.header('retry-after', String(error.details.retryAfter));
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** For a value outside an enum, the values allowed, in words: `must be one of: fact, preference, …`. */
function allowedValues(issue: ValidationIssue): string | undefined {
  const values = issue.params.values;
  if (issue.keyword !== 'invalid_value' || !Array.isArray(values) || values.length === 0) return undefined;
  return values.length === 1 ? `must be ${String(values[0])}` : `must be one of: ${values.map(String).join(', ')}`;
}

/** `/memories/3/content` in the body becomes `memories[3].content`; query and path fields keep their names. */
function fieldIssues(location: string, issue: ValidationIssue): FieldIssue[] {
  const segments = issue.instancePath.split('/').filter(Boolean);
  const base = segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
  const root = location === 'body' ? 'body' : location === 'querystring' ? 'query' : location === 'params' ? 'path' : location === 'headers' ? 'header' : location;
  const message = allowedValues(issue) ?? issue.message ?? 'is invalid';
  if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
    return issue.params.keys.map((key) => ({ field: base ? `${base}.${String(key)}` : String(key), message: 'is not a known field', location: root }));
  }
  return [{ field: base || root, message, location: root }];
}
