import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MemosError } from '../core/errors.js';
import { configSchema, DRIVER_ENV_SETTINGS, ENV_SETTINGS, FLAG_SETTINGS, PROVIDER_ENV_SETTINGS, type Config } from './schema.js';

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
  if ((env.MEMOS_DATABASE_URL ?? '') !== '') setPath(merged, 'storage.driver', 'postgres');
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
      const path = issue.path.join('.');
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${origin.get(path) ?? (path || 'config')}: ${issue.message}${keys}`;
    });
    throw new MemosError('E_CONFIG', `invalid configuration: ${problems.join('; ')}`);
  }
  const config = result.data;
  if (config.storage.driver === 'postgres' && config.redis.url === undefined) {
    throw new MemosError(
      'E_CONFIG',
      'invalid configuration: MEMOS_DATABASE_URL (storage.driver postgres) needs MEMOS_REDIS_URL (redis.url): server mode keeps sessions in Redis: set MEMOS_REDIS_URL too',
    );
  }
  if (config.search.defaultLimit > config.search.maxLimit) {
    throw new MemosError('E_CONFIG', 'invalid configuration: search.defaultLimit must not exceed search.maxLimit');
  }
  if (config.context.limit > config.search.maxLimit) {
    throw new MemosError('E_CONFIG', 'invalid configuration: context.limit must not exceed search.maxLimit');
  }
  if (config.list.defaultLimit > config.list.maxLimit) {
    throw new MemosError('E_CONFIG', 'invalid configuration: list.defaultLimit must not exceed list.maxLimit');
  }
  return deepFreeze(config);
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
    throw new MemosError('E_CONFIG', `config file ${path} is not valid JSON`, { cause });
  }
  if (!isTree(parsed)) throw new MemosError('E_CONFIG', `config file ${path} must hold a JSON object`);
  return parsed;
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
