import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MemosError } from '../core/errors.js';
import { configSchema, type Config } from './schema.js';
import { DRIVER_ENV_SETTINGS, ENV_SETTINGS, FLAG_SETTINGS, PROVIDER_ENV_SETTINGS } from './setting-names.js';

export const DEFAULT_CONFIG_FILE = 'memos.config.json';

export interface ConfigSources {
  /** Flags of `memos serve`, by flag name without dashes (`port`, `data-dir`, `config`). */
  flags?: Record<string, string | undefined>;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

type Tree = Record<string, unknown>;

/**
 * Builds the one config object: defaults < config file < MEMOS_* environment < CLI flags.
 * The file is `--config`, else `MEMOS_CONFIG`, else `memos.config.json` when present.
 * A bad value throws E_CONFIG naming the setting where it came from.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const flags = sources.flags ?? {};
  const env = sources.env ?? {};
  const cwd = sources.cwd ?? process.cwd();

  const merged: Tree = {};
  const origin = new Map<string, string>();

  const file = flags.config ?? env.MEMOS_CONFIG ?? (existsSync(resolve(cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
  if (file !== undefined) {
    const fromFile = readConfigFile(resolve(cwd, file));
    mergeInto(merged, fromFile);
    for (const path of leafPaths(fromFile)) origin.set(path, `${path} in ${file}`);
  }
  for (const [name, path] of Object.entries(ENV_SETTINGS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(merged, path, value);
    origin.set(path, name);
  }
  // A database URL from the environment means server mode, whatever driver the file names.
  if ((env.MEMOS_DATABASE_URL ?? '') !== '') {
    setPath(merged, 'storage.driver', 'postgres');
    origin.set('storage.driver', 'MEMOS_DATABASE_URL');
  }
  const driver = storageDriver(merged);
  for (const [name, setting] of Object.entries(DRIVER_ENV_SETTINGS)) {
    const value = env[name];
    if (value === undefined || value === '' || setting.driver !== driver) continue;
    setPath(merged, setting.path, value);
    origin.set(setting.path, name);
  }
  const provider = embeddingProvider(merged, env);
  for (const [name, setting] of Object.entries(PROVIDER_ENV_SETTINGS)) {
    const value = env[name];
    if (value === undefined || value === '' || setting.provider !== provider) continue;
    setPath(merged, setting.path, value);
    origin.set(setting.path, name);
  }
  for (const [name, path] of Object.entries(FLAG_SETTINGS)) {
    const value = flags[name];
    if (value === undefined) continue;
    setPath(merged, path, value);
    origin.set(path, `--${name}`);
  }

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${sourceOf(origin, issue.path.map(String))}: ${issue.message}${keys}`;
    });
    throw new MemosError('E_CONFIG', `invalid configuration: ${problems.join('; ')}`);
  }
  const config = result.data;
  /** A setting as the operator set it: `MEMOS_PORT`, `--port`, `server.port in memos.config.json`, or its path. */
  const named = (path: string) => origin.get(path) ?? path;
  const problems: string[] = [];
  if (config.storage.driver === 'postgres' && config.redis.url === undefined) {
    problems.push(`${named('storage.url')} (storage.driver postgres) needs redis.url (MEMOS_REDIS_URL): server mode keeps sessions in Redis: set MEMOS_REDIS_URL too`);
  }
  if (config.search.defaultLimit > config.search.maxLimit) {
    problems.push(`${named('search.defaultLimit')} (${config.search.defaultLimit}) must not exceed ${named('search.maxLimit')} (${config.search.maxLimit})`);
  }
  if (config.context.limit > config.search.maxLimit) {
    problems.push(`${named('context.limit')} (${config.context.limit}) must not exceed ${named('search.maxLimit')} (${config.search.maxLimit})`);
  }
  if (config.list.defaultLimit > config.list.maxLimit) {
    problems.push(`${named('list.defaultLimit')} (${config.list.defaultLimit}) must not exceed ${named('list.maxLimit')} (${config.list.maxLimit})`);
  }
  if (config.server.headersTimeoutMs > config.server.requestTimeoutMs) {
    problems.push(`${named('server.headersTimeoutMs')} (${config.server.headersTimeoutMs}) must not exceed ${named('server.requestTimeoutMs')} (${config.server.requestTimeoutMs})`);
  }
  if (problems.length > 0) throw new MemosError('E_CONFIG', `invalid configuration: ${problems.join('; ')}`);
  const frozen = deepFreeze(config);
  origins.set(frozen, origin);
  return frozen;
}

/** Where each setting of a loaded config came from, by path. */
const origins = new WeakMap<Config, ReadonlyMap<string, string>>();

/**
 * How an operator names `path` in `config`: its environment variable (`MEMOS_DATA_DIR`), its flag
 * (`--data-dir`), its key in the config file (`dataDir in memos.config.json`), or, for a default
 * or a config not built by loadConfig, the path itself (`dataDir`).
 */
export function settingName(config: Config, path: string): string {
  return origins.get(config)?.get(path) ?? path;
}

/**
 * A setting with its value, as the operator wrote it: `MEMOS_PORT=7420`, `--port 7420`,
 * `server.port 7420 in memos.config.json`, or `server.port 7420 (the default)`. Never for secrets.
 */
export function describeSetting(config: Config, path: string): string {
  const value = String(path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config));
  const source = origins.get(config)?.get(path);
  if (source === undefined) return `${path} ${value}${origins.has(config) ? ' (the default)' : ''}`;
  if (source.startsWith('--')) return `${source} ${value}`;
  if (/^[A-Z][A-Z0-9_]*$/.test(source)) return `${source}=${value}`;
  return source.replace(`${path} in `, `${path} ${value} in `);
}

/**
 * The source of the setting at `path`, or of the nearest setting above it (a list item of
 * MEMOS_ALLOWED_HOSTS is `MEMOS_ALLOWED_HOSTS (server.allowedHosts.1)`); else the path itself,
 * with the variable that sets it (`embeddings.url (MEMOS_EMBEDDING_URL)`).
 */
function sourceOf(origin: ReadonlyMap<string, string>, path: string[]): string {
  for (let length = path.length; length > 0; length--) {
    const source = origin.get(path.slice(0, length).join('.'));
    if (source !== undefined) return length === path.length ? source : `${source} (${path.join('.')})`;
  }
  // Not set anywhere (a required setting left out): its path, and the variable that would set it.
  const joined = path.join('.');
  const variable = [...Object.entries(ENV_SETTINGS), ...[...Object.entries(PROVIDER_ENV_SETTINGS), ...Object.entries(DRIVER_ENV_SETTINGS)].map(([name, setting]) => [name, setting.path] as const)].find(
    ([, settingPath]) => settingPath === joined,
  )?.[0];
  return variable === undefined ? joined || 'config' : `${joined} (${variable})`;
}

/** The storage driver in force: named outright, else postgres when a URL is given, else sqlite. */
function storageDriver(merged: Tree): string {
  const section = isTree(merged.storage) ? merged.storage : {};
  if (typeof section.driver === 'string') return section.driver;
  return typeof section.url === 'string' ? 'postgres' : 'sqlite';
}

/** The embedding provider in force: named outright, else openai when a URL is given, else model2vec. */
function embeddingProvider(merged: Tree, env: Record<string, string | undefined>): string {
  const section = isTree(merged.embeddings) ? merged.embeddings : {};
  if (typeof section.provider === 'string') return section.provider;
  return typeof section.url === 'string' || (env.MEMOS_EMBEDDING_URL ?? '') !== '' ? 'openai' : 'model2vec';
}

function readConfigFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new MemosError('E_CONFIG', `config file ${path} cannot be read`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    // The parser's own message may quote the file, which can hold passwords: only the place is told.
    const { line, column, reason } = placeOf(text, cause);
    throw new MemosError('E_CONFIG', `config file ${path} is not valid JSON at line ${line}, column ${column}${reason === undefined ? '' : ` (${reason})`}`, { cause });
  }
  if (!isTree(parsed)) throw new MemosError('E_CONFIG', `config file ${path} must hold a JSON object`);
  return parsed;
}

/**
 * Line and column (both from 1) where JSON.parse stopped, and its reason when that quotes nothing
 * of the text (the file may hold passwords).
 */
function placeOf(text: string, error: unknown): { line: number; column: number; reason?: string } {
  const message = error instanceof Error ? error.message : '';
  const offset = positionIn(message) ?? firstBadOffset(text);
  const before = text.slice(0, Math.min(offset, text.length)).split('\n');
  const reason = message.replace(/ in JSON at position \d+.*$/s, '');
  return { line: before.length, column: before[before.length - 1]!.length + 1, ...(/^[\w ,.'{}[\]:-]+$/.test(reason) ? { reason } : {}) };
}

const positionIn = (message: string) => {
  const found = /at position (\d+)/.exec(message);
  return found === null ? undefined : Number(found[1]);
};

/**
 * Where the first character JSON cannot take is, for parse errors that name no position (V8 quotes
 * the text instead): the shortest prefix that fails for a reason other than running out of input.
 */
function firstBadOffset(text: string): number {
  const failsWithin = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = (error as Error).message;
      const position = positionIn(message);
      return position === undefined ? !message.includes('end of JSON input') : position < length;
    }
  };
  let low = 1;
  let high = text.length;
  if (!failsWithin(high)) return text.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (failsWithin(middle)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeInto(target: Tree, source: Tree): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isTree(value) && isTree(current)) mergeInto(current, value);
    else target[key] = isTree(value) ? structuredClone(value) : value;
  }
}

function setPath(target: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!isTree(next)) node[key] = {};
    node = node[key] as Tree;
  }
  node[keys[keys.length - 1] as string] = value;
}

function leafPaths(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    isTree(value) ? leafPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
