import { parseKey, KEY_ID } from '../../auth/api-key.js';
import { KEY_CACHE_MS } from '../../auth/key-service.js';
import { ALL_NAMESPACES } from '../../auth/principal.js';
import { loadConfig } from '../../config/load.js';
import { MemosError } from '../../core/errors.js';
import { ROLES, type ApiKey } from '../../core/types.js';
import { newKeyBody } from '../../http/routes/keys.js';
import { adminKeyFor } from '../admin-key.js';
import { openStoredKeys, serverKeys, type KeyAdmin, type NewKeyInput } from '../key-admin.js';
import { parseCommandLine } from '../parse-flags.js';
import { serverUrl } from '../server-api.js';

const SECONDS = KEY_CACHE_MS / 1000;

export const keysUsage = `Usage: memos keys create --role ROLE [--namespaces A,B] [--user ID] [--name NAME] [--expires TIME]
                        [--rate-per-second N --rate-burst N] [--json]
       memos keys list [--json]
       memos keys revoke ID
  and, on each: --url URL [--admin-key KEY], or [--data-dir DIR] [--config FILE]

Makes, lists and revokes API keys (see "Security" in the README). Without --url, in the storage
memOS is configured with (the data folder, or PostgreSQL when MEMOS_DATABASE_URL is set), read
as 'memos serve' reads its settings, whether or not a memOS is serving it: a running memOS
sees a new or revoked key within ${SECONDS} seconds. With --url, through a running memOS.

create                  make a key. The key alone goes to standard output, so that
                        KEY=$(memos keys create ...) captures it; what it is goes to standard
                        error. Store it at once: it is shown this once and never again.
  --role ROLE           read (reads, search and context), write (that, and every write and
                        delete) or admin (everything: keys, caches, reindex); required
  --namespaces A,B      the namespaces the key may touch, comma-separated, or * for every one.
                        Required for read and write keys; an admin key reaches every
                        namespace (*) unless this says otherwise
  --user ID             the one user whose records the key reaches (every user's without it)
  --name NAME           what the key is for, shown by list (never put a secret here)
  --expires TIME        when the key stops working: ISO 8601 with a time zone, e.g.
                        2027-01-01T00:00:00Z (never, without it)
  --rate-per-second N   this key's own rate limit: requests per second on average (0: none), and
  --rate-burst N        requests at once (give both, or neither for the default limit)
  --json                print the answer as JSON, the key included
list                    every key, newest first, revoked and expired ones included, as a table
                        or (--json) as JSON; never a secret
revoke ID               revoke a key by its id (what list shows, the part of the key between
                        memos_ and the next _); every memOS refuses it within ${SECONDS} seconds

  --url URL             a running memOS, e.g. http://127.0.0.1:7420 (http:// is assumed)
  --admin-key KEY       an admin key for --url; default MEMOS_ADMIN_KEY, or the file
                        MEMOS_ADMIN_KEY_FILE names. Prefer the variable: a flag shows in the
                        process list. A memOS on loopback with no key yet needs none
  --data-dir DIR        the data folder, without --url (MEMOS_DATA_DIR)
  --config FILE         a JSON config file, without --url (MEMOS_CONFIG)
  -h, --help            show this help

A bad flag exits with code 78, naming it; a failure of the store or the server with code 1.`;

const WHERE = {
  url: { type: 'string' },
  'admin-key': { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
} as const;

/** The flag of `memos keys create` that sets each field of the new key. */
const FLAGS: Record<string, string> = {
  name: '--name',
  role: '--role',
  namespaces: '--namespaces',
  userId: '--user',
  expiresAt: '--expires',
  rateLimit: '--rate-per-second',
  'rateLimit.perSecond': '--rate-per-second',
  'rateLimit.burst': '--rate-burst',
};

/** The flag for a field of the new key, as a path (`rateLimit.burst`) or as the server names it (`namespaces[2]`). */
function flagOf(field: string): string {
  const path = field.replace(/\[\d+\]/g, '');
  return FLAGS[path] ?? FLAGS[path.split('.')[0]!] ?? field;
}

const badFlag = (message: string) => new MemosError('E_CONFIG', message);

/** `memos keys create|list|revoke`. */
export async function keysCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  switch (action) {
    case 'create':
      return create(rest);
    case 'list':
      return list(rest);
    case 'revoke':
      return revoke(rest);
    default:
      process.stderr.write(`${action === undefined ? 'memos keys: say what to do: create, list or revoke' : `memos keys: unknown command '${action}'`}\n\n${keysUsage}\n`);
      process.exitCode = 2;
  }
}

/** The keys `--url` names (a running memOS), else those in the configured storage. */
async function keyAdmin(values: { url?: string; 'admin-key'?: string; 'data-dir'?: string; config?: string }): Promise<KeyAdmin> {
  if (values.url === undefined) {
    if (values['admin-key'] !== undefined) throw badFlag('--admin-key goes with --url: without --url, memos keys works on the storage itself and needs no key');
    return openStoredKeys(loadConfig({ flags: { 'data-dir': values['data-dir'], config: values.config }, env: process.env }));
  }
  for (const local of ['data-dir', 'config'] as const) {
    if (values[local] !== undefined) throw badFlag(`--${local} does not go with --url: the server at --url uses its own settings`);
  }
  return serverKeys(serverUrl(values.url, { host: '', port: 0 }), adminKeyFor(values['admin-key'], process.env), flagOf);
}

async function withKeys<T>(values: Parameters<typeof keyAdmin>[0], work: (keys: KeyAdmin) => Promise<T>): Promise<T> {
  const keys = await keyAdmin(values);
  try {
    return await work(keys);
  } finally {
    await keys.close();
  }
}

async function create(args: string[]): Promise<void> {
  const { values } = parseCommandLine(
    args,
    {
      ...WHERE,
      role: { type: 'string' },
      namespaces: { type: 'string' },
      user: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
      'rate-per-second': { type: 'string' },
      'rate-burst': { type: 'string' },
      json: { type: 'boolean' },
    },
    0,
  );
  const input = newKey(values);
  const made = await withKeys(values, (keys) => keys.create(input).then((key) => ({ key, where: keys.where })));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(made.key, null, 2)}\n`);
    return;
  }
  const { key, ...record } = made.key;
  process.stdout.write(`${key}\n`);
  process.stderr.write(`made key ${record.id}${describe(record)}, in ${made.where}\nstore it now: it is shown this once and cannot be shown again\n`);
}

/** The new key the flags describe, checked as the HTTP API checks it, each problem naming its flag. */
function newKey(values: { role?: string; namespaces?: string; user?: string; name?: string; expires?: string; 'rate-per-second'?: string; 'rate-burst'?: string }): NewKeyInput {
  const role = values.role;
  if (role === undefined) throw badFlag(`--role is required: ${ROLES.join(', ')}`);
  if (!(ROLES as readonly string[]).includes(role)) throw badFlag(`--role '${role}' must be read, write or admin`);
  if (values.namespaces === undefined && role !== 'admin') {
    throw badFlag(`--namespaces is required for a ${role} key: the namespaces it may touch, comma-separated (--namespaces team-a,team-b), or * for every one`);
  }
  const perSecond = values['rate-per-second'];
  const burst = values['rate-burst'];
  if ((perSecond === undefined) !== (burst === undefined)) {
    throw badFlag(perSecond === undefined ? '--rate-burst needs --rate-per-second too' : '--rate-per-second needs --rate-burst too');
  }
  const number = (flag: string, text: string) => {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) throw badFlag(`--${flag} '${text}' must be a number`);
    return value;
  };
  const namespaces = values.namespaces === undefined ? [ALL_NAMESPACES] : values.namespaces.split(',').map((part) => part.trim());
  const body = {
    ...(values.name === undefined ? {} : { name: values.name }),
    role,
    namespaces,
    ...(values.user === undefined ? {} : { userId: values.user }),
    ...(values.expires === undefined ? {} : { expiresAt: values.expires }),
    ...(perSecond === undefined || burst === undefined ? {} : { rateLimit: { perSecond: number('rate-per-second', perSecond), burst: number('rate-burst', burst) } }),
  };
  const parsed = newKeyBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const flag = flagOf(path.filter((part) => !/^\d+$/.test(part)).join('.'));
    const at = path.findIndex((part) => /^\d+$/.test(part));
    const given = at > 0 && path[0] === 'namespaces' ? namespaces[Number(path[at])] : valueOf(values, flag);
    throw badFlag(`${flag}${given === undefined ? '' : ` '${given}'`}: ${issue.message}`);
  }
  if (parsed.data.expiresAt !== undefined && Date.parse(parsed.data.expiresAt) <= Date.now()) {
    throw badFlag(`--expires '${values.expires}': must be in the future`);
  }
  return parsed.data;
}

function valueOf(values: Record<string, string | boolean | undefined>, flag: string): string | undefined {
  const value = values[flag.slice(2)];
  return typeof value === 'string' ? value : undefined;
}

async function list(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, { ...WHERE, json: { type: 'boolean' } }, 0);
  const keys = await withKeys(values, (admin) => admin.list());
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ items: keys }, null, 2)}\n`);
    return;
  }
  process.stdout.write(table(keys, Date.now()));
  if (keys.length === 0) process.stderr.write('no keys yet: make one with memos keys create --role ROLE\n');
}

async function revoke(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(args, WHERE, 1);
  const id = positionals[0];
  if (id === undefined) throw badFlag('revoke needs the id of the key: memos keys revoke ID (memos keys list shows the ids)');
  if (!KEY_ID.test(id)) {
    // A whole key is a secret: only its id is repeated.
    const whole = parseKey(id);
    throw badFlag(whole === undefined ? 'revoke takes a key id: 12 characters of a-z 0-9, as memos keys list shows' : `revoke takes the key's id, ${whole.keyId}, not the whole key (a secret: keep it out of commands)`);
  }
  const where = await withKeys(values, async (keys) => {
    await keys.revoke(id);
    return keys.where;
  });
  process.stdout.write(`revoked key ${id} in ${where}: every memOS using it refuses the key within ${SECONDS} seconds\n`);
}

/** `: role read, namespaces a,b, user alice, expires …` for a made key. */
function describe(key: ApiKey): string {
  const parts = [
    `role ${key.role}`,
    `namespaces ${key.namespaces.join(',')}`,
    ...(key.userId === undefined ? [] : [`user ${key.userId}`]),
    ...(key.expiresAt === undefined ? [] : [`expires ${key.expiresAt}`]),
    ...(key.rateLimit === undefined ? [] : [`rate limit ${key.rateLimit.perSecond}/s, burst ${key.rateLimit.burst}`]),
  ];
  return `${key.name === undefined ? '' : ` (${printable(key.name)})`}: ${parts.join(', ')}`;
}

/** Control characters (a terminal's escape sequences) in a name are shown as `?`. */
const printable = (text: string) => text.replace(/[\p{Cc}\p{Cf}]/gu, '?');

const time = (iso: string | undefined) => (iso === undefined ? '-' : iso.replace(/\.\d{3}Z$/, 'Z'));

function state(key: ApiKey, now: number): string {
  if (key.revokedAt !== undefined) return 'revoked';
  if (key.expiresAt !== undefined && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

/** The keys as an aligned table, one line each; no secret is ever in a listed key. */
function table(keys: ApiKey[], now: number): string {
  const header = ['ID', 'NAME', 'ROLE', 'NAMESPACES', 'USER', 'STATE', 'CREATED', 'EXPIRES', 'LAST USED'];
  const rows = keys.map((key) => [
    key.id,
    key.name === undefined ? '-' : printable(key.name),
    key.role,
    key.namespaces.join(','),
    key.userId ?? '-',
    state(key, now),
    time(key.createdAt),
    time(key.expiresAt),
    time(key.lastUsedAt),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `${cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}\n`;
  return [header, ...rows].map(line).join('');
}
