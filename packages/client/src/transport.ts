// One HTTP call to memOS: the URL, the key, the namespace, the body; then the answer, a MemosError,
// or a retry. Uses only the platform's fetch, URL and AbortSignal, so that it runs on Node.js 20
// and in browsers alike.
import { errorOfAnswer, MemosError } from './errors.js';
import { backoffMs, parseRetryAfter, retryable, retryPolicy, sleep, type RetryOptions, type RetryPolicy } from './retry.js';
import { ROUTES, type RouteKey } from './routes.js';

export interface MemosClientOptions {
  /** Where memOS listens, e.g. `http://127.0.0.1:7420` (a path prefix is kept: `https://host/memos`). */
  baseUrl: string;
  /** A memOS API key (`memos_<id>_<secret>`), sent as a bearer token. Not needed while memOS requires none. */
  apiKey?: string | undefined;
  /** The namespace calls work in when they name none (sent as `X-Memos-Namespace`); memOS's own default applies without it. */
  namespace?: string | undefined;
  /** Retrying 429 and 503 (src/retry.ts); `false` turns it off. */
  retry?: RetryOptions | false | undefined;
  /** A fetch to use instead of the global one (e.g. one with a proxy agent). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every call. */
  headers?: Record<string, string> | undefined;
}

/** Options every method takes as its last argument. */
export interface CallOptions {
  /** Aborts the call, also while it waits to retry; the call then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** The namespace of this call, instead of the client's default. */
  namespace?: string | undefined;
  /** Headers for this call only. */
  headers?: Record<string, string> | undefined;
}

/** A body fetch sends (`BodyInit`, named through RequestInit so that it reads the same under Node's types and the DOM's). */
export type RequestBody = NonNullable<RequestInit['body']>;

export type QueryValue = string | number | boolean | ReadonlyArray<string | number | boolean> | undefined;

export interface CallSpec {
  path?: Record<string, string>;
  query?: object | undefined;
  /** A JSON body. */
  json?: unknown;
  /** A body sent as it is, with its content type; a stream body is never retried (it cannot be sent twice). */
  raw?: { body: RequestBody; contentType: string; replayable: boolean };
  accept?: string;
  /** Statuses besides 2xx that are answers, not errors (the health routes answer 503 with a report). */
  alsoOk?: readonly number[];
}

const NAMESPACE_HEADER = 'X-Memos-Namespace';

export class Transport {
  readonly #base: string;
  readonly #fetch: typeof globalThis.fetch;
  readonly #headers: Record<string, string>;
  readonly #namespace: string | undefined;
  readonly #retry: RetryPolicy;

  constructor(options: MemosClientOptions) {
    if (typeof options?.baseUrl !== 'string') throw new TypeError('MemosClient: baseUrl is required, e.g. http://127.0.0.1:7420');
    const base = new URL(options.baseUrl);
    this.#base = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== 'function') throw new TypeError('MemosClient: no global fetch; pass options.fetch');
    // Called unbound: some platforms' fetch refuses any `this` but the global object.
    this.#fetch = (input, init) => fetchFn(input, init);
    this.#headers = { ...options.headers, ...(options.apiKey === undefined ? {} : { Authorization: `Bearer ${options.apiKey}` }) };
    this.#namespace = options.namespace;
    this.#retry = retryPolicy(options.retry);
  }

  /** The URL of a route, with its path parameters filled in and its query string. */
  url(route: RouteKey, spec: Pick<CallSpec, 'path' | 'query'>): string {
    const template = route.slice(route.indexOf(' ') + 1);
    const path = template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
      const value = spec.path?.[name];
      if (typeof value !== 'string' || value === '') throw new TypeError(`${route}: ${name} is required`);
      // A model id may hold slashes (`minishlab/potion-base-8M`): the wildcard keeps them as path separators.
      return name === '*' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(spec.query ?? {}) as Array<[string, QueryValue]>) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
    }
    const query = search.toString();
    return `${this.#base}${path}${query === '' ? '' : `?${query}`}`;
  }

  /** Sends a call, retrying as the policy allows; resolves with a successful answer, else rejects with a MemosError. */
  async send(route: RouteKey, spec: CallSpec, options: CallOptions = {}): Promise<Response> {
    const method = route.slice(0, route.indexOf(' '));
    const template = route.slice(route.indexOf(' ') + 1);
    const headers = this.#requestHeaders(route, spec, options);
    const url = this.url(route, spec);
    const signal = options.signal;
    for (let attempt = 0; ; attempt += 1) {
      const init: RequestInit & { duplex?: 'half' } = { method, headers, ...(signal === undefined ? {} : { signal }) };
      if (spec.json !== undefined) init.body = JSON.stringify(spec.json);
      else if (spec.raw !== undefined) {
        init.body = spec.raw.body;
        // Node's fetch needs this to send a stream body; browsers ignore it.
        init.duplex = 'half';
      }
      let response: Response;
      try {
        response = await this.#fetch(url, init);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw new MemosError('E_NETWORK', `${method} ${template}: no answer from memOS at ${this.#base} (${describe(error)})`, { method, path: template, cause: error });
      }
      if (response.ok || spec.alsoOk?.includes(response.status)) return response;

      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const body = await readError(response, signal);
      const error = errorOfAnswer(response.status, body, retryAfterMs, method, template);
      const replayable = spec.raw === undefined || spec.raw.replayable;
      if (!replayable || attempt >= this.#retry.retries || !retryable(response.status, method, this.#retry)) throw error;
      if (retryAfterMs !== undefined && retryAfterMs > this.#retry.maxDelayMs) throw error;
      const delayMs = retryAfterMs ?? backoffMs(attempt + 1, this.#retry);
      this.#retry.onRetry?.({ attempt: attempt + 1, delayMs, status: response.status, method, path: template, fromRetryAfter: retryAfterMs !== undefined });
      await sleep(delayMs, signal);
    }
  }

  /** Sends a call and reads its JSON answer (undefined for 204). */
  async json<T>(route: RouteKey, spec: CallSpec, options: CallOptions = {}): Promise<T> {
    const response = await this.send(route, { accept: 'application/json', ...spec }, options);
    if (response.status === 204) return undefined as T;
    try {
      const parsed: unknown = await response.json();
      return parsed as T;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new MemosError('E_NETWORK', `${route}: the answer was cut or is not JSON (${describe(error)})`, { status: response.status, cause: error });
    }
  }

  /** Sends a call and reads its answer as text. */
  async text(route: RouteKey, spec: CallSpec, options: CallOptions = {}): Promise<string> {
    const response = await this.send(route, spec, options);
    try {
      return await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new MemosError('E_NETWORK', `${route}: the answer was cut (${describe(error)})`, { status: response.status, cause: error });
    }
  }

  #requestHeaders(route: RouteKey, spec: CallSpec, options: CallOptions): Record<string, string> {
    const headers: Record<string, string> = { Accept: spec.accept ?? 'application/json', ...this.#headers, ...options.headers };
    if (spec.json !== undefined) headers['Content-Type'] = 'application/json';
    else if (spec.raw !== undefined) headers['Content-Type'] = spec.raw.contentType;
    const namespace = this.#namespaceOf(route, spec, options);
    if (namespace !== undefined) headers[NAMESPACE_HEADER] = namespace;
    return headers;
  }

  /** The namespace header of a call: the call's own, or on a one-namespace route the client's default, unless the body or query names one. */
  #namespaceOf(route: RouteKey, spec: CallSpec, options: CallOptions): string | undefined {
    const rule = ROUTES[route];
    if (rule === 'none' || rule === 'path') return undefined;
    if (options.namespace !== undefined) return options.namespace;
    if (rule === 'any') return undefined;
    const named = (value: unknown) => typeof value === 'object' && value !== null && typeof (value as { namespace?: unknown }).namespace === 'string';
    return named(spec.json) || named(spec.query) ? undefined : this.#namespace;
  }
}

/** The body of a failed answer: its JSON when it is JSON, else its text; never throws. */
async function readError(response: Response, signal: AbortSignal | undefined): Promise<unknown> {
  try {
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
