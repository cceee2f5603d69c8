import { parseFlags } from '../parse-flags.js';
import { connectServer, SERVER_FLAGS } from '../server-api.js';

interface ModelVectors {
  model: string;
  dimensions: number;
  ready: number;
  failed: number;
}

interface TierStats {
  count: number;
  byKind: Record<string, number>;
  oldest?: string;
  newest?: string;
  vectors: { pending: number; none: number; models: ModelVectors[] };
}

interface Stats {
  namespace: string;
  userId?: string;
  generatedAt: string;
  sessions: { live: number; expiring: number; expiringWithinSeconds: number };
  episodes: TierStats;
  memories: TierStats & { expired: number; historyVersions: number };
  embedder?: { model: string; dimensions: number };
  storage?: { engine: string; total: number; parts: Record<string, number> };
}

interface Namespaces {
  namespaces: Array<{ namespace: string; episodes: number; memories: number; sessions: number; users: number }>;
}

export const statsUsage = `Usage: memos stats [--namespace N] [--user U] [--json] [--url URL] [--admin-key KEY]

Prints what a running memOS holds. Without --namespace or --user: every namespace with its
episodes, memories, live sessions and users. With them: the namespace's (or one user's) counts
per tier and kind, sessions live and expiring soon, oldest and newest record, vectors per model
(ready, pending, failed), memory history versions, and the database's bytes on disk.

  --namespace N      the namespace (default: the key's only one, else 'default')
  --user U           only this user's records and sessions
  --json             print the server's JSON answer as it is
  --url URL          the server, e.g. http://127.0.0.1:7420; default http://MEMOS_HOST:MEMOS_PORT
  --admin-key KEY    a key with the write role (or admin); default MEMOS_ADMIN_KEY, or the file
                     MEMOS_ADMIN_KEY_FILE names
  -h, --help         show this help`;

/** `memos stats`: GET /api/v1/namespaces, or GET /api/v1/stats for one namespace or user, as a table. */
export async function statsCommand(args: string[]): Promise<void> {
  const values = parseFlags(args, { ...SERVER_FLAGS, namespace: { type: 'string' }, user: { type: 'string' }, json: { type: 'boolean' } });
  const server = connectServer(values);
  const scoped = values.namespace !== undefined || values.user !== undefined;
  const answer = scoped
    ? await server.json<Stats>('GET', '/api/v1/stats', { query: { namespace: values.namespace, userId: values.user } })
    : await server.json<Namespaces>('GET', '/api/v1/namespaces');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  process.stdout.write(scoped ? statsTable(answer as Stats) : namespacesTable(answer as Namespaces));
}

/** Rows as columns padded to their widest cell; numbers right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const numeric = (cell: string) => /^-?[\d,.]+( [KMGT]?B)?$/.test(cell);
  return rows.map((row) => row.map((cell, column) => (numeric(cell) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n') + '\n';
}

const n = (value: number) => value.toLocaleString('en-US');

export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`;
}

function namespacesTable({ namespaces }: Namespaces): string {
  if (namespaces.length === 0) return 'no namespace holds records or live sessions\n';
  const rows = [['namespace', 'episodes', 'memories', 'sessions', 'users']];
  for (const row of namespaces) rows.push([row.namespace, n(row.episodes), n(row.memories), n(row.sessions), n(row.users)]);
  return table(rows);
}

function statsTable(stats: Stats): string {
  const title = `namespace ${stats.namespace}${stats.userId === undefined ? '' : `, user ${stats.userId}`} (at ${stats.generatedAt})\n\n`;
  const minutes = Math.round(stats.sessions.expiringWithinSeconds / 60);
  const counts = [
    ['tier', 'kind', 'count', 'oldest', 'newest'],
    ['sessions', 'live', n(stats.sessions.live), '', ''],
    ['', `expiring within ${minutes} min`, n(stats.sessions.expiring), '', ''],
  ];
  for (const [tier, data] of [['episodes', stats.episodes], ['memories', stats.memories]] as const) {
    counts.push([tier, 'all', n(data.count), data.oldest ?? '-', data.newest ?? '-']);
    for (const [kind, count] of Object.entries(data.byKind)) counts.push(['', kind, n(count), '', '']);
  }
  counts.push(['', 'expired, not yet removed', n(stats.memories.expired), '', ''], ['', 'history versions', n(stats.memories.historyVersions), '', '']);

  const vectors = [['tier', 'model', 'dimensions', 'ready', 'failed', 'pending']];
  for (const [tier, data] of [['episodes', stats.episodes], ['memories', stats.memories]] as const) {
    for (const model of data.vectors.models) vectors.push([tier, model.model, String(model.dimensions), n(model.ready), n(model.failed), '']);
    if (data.vectors.pending > 0) vectors.push([tier, '(waiting for the embedder)', '', '', '', n(data.vectors.pending)]);
    if (data.vectors.none > 0) vectors.push([tier, '(written with no embedder)', '', '', '', n(data.vectors.none)]);
  }
  const embedder = stats.embedder === undefined ? 'no embedder configured' : `new vectors: ${stats.embedder.model}, ${stats.embedder.dimensions} dimensions`;
  const storage =
    stats.storage === undefined
      ? 'bytes on disk: not reported by this engine\n'
      : `bytes on disk (the whole ${stats.storage.engine} database, whatever the scope): ${bytes(stats.storage.total)}\n${table([
          ['part', 'bytes'],
          ...Object.entries(stats.storage.parts)
            .sort(([, a], [, b]) => b - a)
            .slice(0, 12)
            .map(([part, size]) => [part, bytes(size)]),
        ])}`;
  return `${title}${table(counts)}\n${vectors.length > 1 ? table(vectors) : 'no vectors\n'}${embedder}\n\n${storage}`;
}
