// How a CLI command reaches a running memOS: the base URL (`--url`, else the configured host and
// port), the admin key, and one call that turns the server's problem+json refusals into errors
// that tell the person at the command line what to do.

import { loadConfig } from '../config/load.js';
import { MemosError, type ErrorCode } from '../core/errors.js';
import { adminKeyFor } from './admin-key.js';

/**
 * The base URL of the server: `--url` (with http:// assumed when it names no scheme), else the
 * configured host and port. Anything else than an http(s) URL is E_CONFIG naming the flag.
 */
export function serverUrl(url: string | undefined, server: { host: string; port: number }): string {
  if (url === undefined) {
    const host = server.host.includes(':') && !server.host.startsWith('[') ? `[${server.host}]` : server.host;
    return `http://${host}:${server.port}`;
  }
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new MemosError('E_CONFIG', `--url '${url}' is not a URL; give the server as http://HOST:PORT, e.g. http://127.0.0.1:7420`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MemosError('E_CONFIG', `--url '${url}' must be an http:// or https:// URL, e.g. http://127.0.0.1:7420`);
  }
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new MemosError('E_CONFIG', `--url must be the server's base URL, like http://127.0.0.1:7420, without a query, fragment or credentials`);
  }
  return parsed.href.replace(/\/$/, '');
}

/** A problem+json answer, as far as the CLI reads it. */
export interface Problem {
  code?: string;
  detail?: string;
  errors?: Array<{ field: string; message: string; line?: number }>;
}

export interface CallOptions {
  query?: Record<string, string | undefined>;
  /** A JSON body, or a raw one (a stream or text) with its own content type in `headers`. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ServerApi {
  /** The base URL, e.g. `http://127.0.0.1:7420`. */
  readonly base: string;
  /** A call whose answer is JSON (undefined for 204). A refusal is a MemosError (see `refusal`). */
  json<T>(method: string, path: string, options?: CallOptions): Promise<T>;
  /** A call whose answer is read by the caller (a stream); refusals are thrown as for `json`. */
  raw(method: string, path: string, options?: CallOptions): Promise<Response>;
}

/** The flags every command that talks to a server takes. */
export const SERVER_FLAGS = { url: { type: 'string' }, 'admin-key': { type: 'string' } } as const;

/**
 * The server a command talks to: `--url`, else MEMOS_HOST/MEMOS_PORT (the config), with the key
 * of `--admin-key`, MEMOS_ADMIN_KEY or MEMOS_ADMIN_KEY_FILE.
 */
export function connectServer(flags: { url?: string | undefined; 'admin-key'?: string | undefined }, env: NodeJS.ProcessEnv = process.env): ServerApi {
  const base = serverUrl(flags.url, flags.url === undefined ? loadConfig({ env }).server : { host: '', port: 0 });
  const key = adminKeyFor(flags['admin-key'], env);
  const raw = async (method: string, path: string, { query, body, headers, signal }: CallOptions = {}): Promise<Response> => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, value);
    const url = `${base}${path}${search.size > 0 ? `?${search}` : ''}`;
    const isRaw = typeof body === 'string' || body instanceof Uint8Array || (typeof body === 'object' && body !== null && Symbol.asyncIterator in body);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
          ...(body === undefined || isRaw ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: isRaw ? (body as string) : JSON.stringify(body) }),
        ...(isRaw && typeof body === 'object' ? { duplex: 'half' } : {}),
        ...(signal === undefined ? {} : { signal }),
      } as RequestInit);
    } catch (cause) {
      if ((cause as Error).name === 'AbortError' || (cause as Error).name === 'TimeoutError') throw cause;
      throw new MemosError('E_UNAVAILABLE', `no memOS answers at ${base}; start it with 'memos serve', or pass --url`, { cause });
    }
    if (response.ok) return response;
    const problem = ((await response.json().catch(() => ({}))) ?? {}) as Problem;
    throw refusal(base, response.status, problem, key !== undefined);
  };
  return {
    base,
    raw,
    async json<T>(method: string, path: string, options?: CallOptions): Promise<T> {
      const response = await raw(method, path, options);
      return (response.status === 204 ? undefined : await response.json()) as T;
    },
  };
}

/** What the server's refusal means for the person at the command line. */
export function refusal(base: string, status: number, problem: Problem, sentKey: boolean): MemosError {
  const detail = problem.detail ?? `HTTP ${status}`;
  const fail = (code: ErrorCode, message: string) => new MemosError(code, message);
  switch (status) {
    case 400:
    case 413:
    case 422: {
      const issues = (problem.errors ?? []).map((e) => `${e.line === undefined ? '' : `line ${e.line}: `}${e.field}: ${e.message}`);
      return fail('E_VALIDATION', issues.length === 0 ? `memOS at ${base} refused the request: ${detail}` : issues.join('\n'));
    }
    case 401:
      return sentKey
        ? fail('E_UNAUTHORIZED', `memOS at ${base} refused the key: ${detail}`)
        : fail('E_UNAUTHORIZED', `memOS at ${base} needs a key: pass --admin-key, or set MEMOS_ADMIN_KEY (or MEMOS_ADMIN_KEY_FILE)`);
    case 403:
      return fail('E_FORBIDDEN', `memOS at ${base} refused: ${detail}`);
    case 404:
      return fail('E_NOT_FOUND', detail);
    case 409:
      return fail('E_CONFLICT', detail);
    default:
      return fail('E_UNAVAILABLE', `memOS at ${base} answered ${status}: ${detail}`);
  }
}
