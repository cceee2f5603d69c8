// Where `memos keys` makes, lists and revokes keys: the configured storage itself (the data
// folder's database, or PostgreSQL), through the same key service as the HTTP API, or a running
// memOS through `/api/v1/admin/keys` with an admin key.
//
// The storage is opened beside a memOS that may be serving it: the data folder's lock is not
// taken (it is one server's, not one writer's). SQLite in WAL mode lets two processes write, each
// write waits for the other's (busy timeout), and migrations are checked again under the write
// lock, so that a first start and `memos keys create` on a fresh folder do not collide.

import { resolve } from 'node:path';
import type { z } from 'zod';
import { createKeyService } from '../auth/key-service.js';
import type { Config } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { isMemosError, MemosError, type ErrorCode } from '../core/errors.js';
import { ulidGenerator } from '../core/ids.js';
import type { ApiKey } from '../core/types.js';
import type { newKeyBody } from '../http/routes/keys.js';
import { prepareDataFolder } from '../storage/data-folder.js';
import { loadStorage, redactUrl } from '../storage/index.js';

export type NewKeyInput = z.output<typeof newKeyBody>;
/** A made key: its record and, this once, the whole key. */
export type MadeKey = ApiKey & { key: string };

export interface KeyAdmin {
  /** Where the keys live, for messages: a data folder, a PostgreSQL schema or a server. */
  readonly where: string;
  create(input: NewKeyInput): Promise<MadeKey>;
  list(): Promise<ApiKey[]>;
  /** E_NOT_FOUND when there is no such key, or it was revoked already. */
  revoke(id: string): Promise<void>;
  close(): Promise<void>;
}

const quiet = { info: () => undefined, warn: () => undefined };

/** The keys in the storage `config` names, opened beside any memOS that serves it. */
export async function openStoredKeys(config: Config): Promise<KeyAdmin> {
  const where =
    config.storage.driver === 'sqlite'
      ? `the data folder ${resolve(config.dataDir)}`
      : `PostgreSQL at ${redactUrl(config.storage.url)} (schema ${config.storage.schema})`;
  if (config.storage.driver === 'sqlite') prepareDataFolder(config);
  const storage = await loadStorage({ config, clock: systemClock, ids: ulidGenerator(systemClock), logger: quiet });
  await storage.init();
  const keys = createKeyService({ keys: storage.keys, clock: systemClock });
  // A store that cannot answer (PostgreSQL down) is named, with what it said.
  const named = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (isMemosError(error) && error.code === 'E_STORAGE_UNAVAILABLE') throw new MemosError('E_STORAGE_UNAVAILABLE', `cannot reach ${where}: ${error.message}`, { cause: error });
      throw error;
    }
  };
  return {
    where,
    create: (input) =>
      named(async () => {
        const { key, record } = await keys.create(input);
        return { ...record, key };
      }),
    list: () => named(() => keys.list()),
    revoke: (id) => named(() => keys.revoke(id)),
    close: () => storage.close(),
  };
}

interface Problem {
  detail?: string;
  field?: string;
  errors?: Array<{ field: string; message: string }>;
}

/** How long a call to the server may take. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * A running memOS at `base` (an http(s) base URL), asked with `adminKey` when there is one. Bad
 * input it refuses is E_CONFIG naming the flag `flagOf` gives for the field.
 */
export function serverKeys(base: string, adminKey: string | undefined, flagOf: (field: string) => string): KeyAdmin {
  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: object): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(adminKey === undefined ? {} : { authorization: `Bearer ${adminKey}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (cause) {
      const timedOut = (cause as Error).name === 'TimeoutError';
      throw new MemosError('E_UNAVAILABLE', timedOut ? `memOS at ${base} did not answer in ${CALL_TIMEOUT_MS / 1000} s` : `no memOS answers at ${base}; start it with 'memos serve', or check --url`, { cause });
    }
    if (response.ok) return response.status === 204 ? undefined : response.json();
    const problem = ((await response.json().catch(() => ({}))) ?? {}) as Problem;
    throw refusal(base, response.status, problem, adminKey !== undefined, flagOf);
  };
  return {
    where: `memOS at ${base}`,
    create: async (input) => (await call('POST', '/api/v1/admin/keys', input)) as MadeKey,
    list: async () => ((await call('GET', '/api/v1/admin/keys')) as { items: ApiKey[] }).items,
    revoke: async (id) => {
      await call('DELETE', `/api/v1/admin/keys/${encodeURIComponent(id)}`);
    },
    close: async () => undefined,
  };
}

/** What the server's refusal means for the person at the command line. */
function refusal(base: string, status: number, problem: Problem, sentKey: boolean, flagOf: (field: string) => string): MemosError {
  const detail = problem.detail ?? `HTTP ${status}`;
  const fail = (code: ErrorCode, message: string) => new MemosError(code, message);
  switch (status) {
    case 400: {
      const issue = problem.errors?.[0];
      return issue === undefined ? fail('E_CONFIG', `memOS at ${base} refused the request: ${detail}`) : fail('E_CONFIG', `${flagOf(issue.field)}: ${issue.message}`);
    }
    case 401:
      return sentKey
        ? fail('E_UNAUTHORIZED', `memOS at ${base} refused the admin key: ${detail}`)
        : fail('E_UNAUTHORIZED', `memOS at ${base} needs an admin key: pass --admin-key, or set MEMOS_ADMIN_KEY (or MEMOS_ADMIN_KEY_FILE)`);
    case 403:
      return fail('E_FORBIDDEN', `memOS at ${base} refused: ${detail} (managing keys needs an admin key that reaches every namespace)`);
    case 404:
      return fail('E_NOT_FOUND', detail);
    default:
      return fail('E_UNAVAILABLE', `memOS at ${base} answered ${status}: ${detail}`);
  }
}
