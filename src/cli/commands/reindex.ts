import { loadConfig } from '../../config/load.js';
import { MemosError } from '../../core/errors.js';
import { adminKeyFor } from '../admin-key.js';
import { parseFlags } from '../parse-flags.js';
import { createProgress } from '../progress.js';
import { serverUrl } from '../server-api.js';

interface ReindexStatus {
  running: boolean;
  embedded: number;
  lastError?: string;
  progress?: {
    model: string;
    dimensions: number;
    ready: number;
    pending: number;
    failed?: number;
    failures?: Array<{ tier: string; namespace: string; id: string; attempts: number; error: string }>;
    total: number;
  };
  embedder: { state: string; detail: string };
  retried?: number;
}

export const reindexUsage = `Usage: memos reindex [--url URL] [--admin-key KEY] [--no-wait] [--interval-ms MS] [--retry-failed] [--quiet]

Asks a running memOS to embed every record that has no vector of its current model (after a
model change, or an embedder outage), and shows progress until none is left. The server keeps
serving meanwhile; search uses keywords for records not embedded yet. The status lines (first
and last) go to standard output, the progress to standard error.

  --url URL          the server, e.g. http://127.0.0.1:7420 (http:// is assumed when no scheme
                     is given); default http://MEMOS_HOST:MEMOS_PORT
  --admin-key KEY    an admin key, when the server requires keys; default MEMOS_ADMIN_KEY, or
                     the file MEMOS_ADMIN_KEY_FILE names (prefer those: a flag shows in the
                     process list)
  --no-wait          start the work and print progress once, without waiting for the end
  --interval-ms MS   how often progress is asked for (default 1000); a bar on a terminal,
                     a line on standard error this often otherwise
  --quiet            no progress: only the first and the last status line
  --retry-failed     first make the records the embedding provider refused pending again
  -h, --help         show this help`;

/**
 * `memos reindex`: asks a running memOS to embed every record that has no vector of its current
 * model (after a model change, or an embedder outage), and shows progress until none is left.
 * The server keeps serving meanwhile; search uses keywords for records not embedded yet.
 * `--retry-failed` first makes the records the provider refused pending again.
 */
export async function reindexCommand(args: string[]): Promise<void> {
  const values = parseFlags(args, {
    url: { type: 'string' },
    'admin-key': { type: 'string' },
    'no-wait': { type: 'boolean' },
    'interval-ms': { type: 'string' },
    'retry-failed': { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  const interval = Number(values['interval-ms'] ?? 1000);
  if (!Number.isInteger(interval) || interval < 10 || interval > 3_600_000) {
    throw new MemosError('E_CONFIG', `--interval-ms '${values['interval-ms']}' must be a whole number of milliseconds from 10 to 3600000`);
  }
  // The configured host and port are read only when no --url says where the server is.
  const base = serverUrl(values.url, values.url === undefined ? loadConfig({ env: process.env }).server : { host: '', port: 0 });
  const adminKey = adminKeyFor(values['admin-key'], process.env);
  const authorization: Record<string, string> = adminKey === undefined ? {} : { authorization: `Bearer ${adminKey}` };

  const call = async (method: 'GET' | 'POST', body?: object): Promise<ReindexStatus> => {
    let response: Response;
    try {
      const json = body === undefined ? {} : { body: JSON.stringify(body) };
      response = await fetch(`${base}/api/v1/admin/reindex`, { method, headers: { ...authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...json });
    } catch (cause) {
      throw new MemosError('E_UNAVAILABLE', `no memOS answers at ${base}; start it with 'memos serve' or pass --url`, { cause });
    }
    if (response.status === 401) {
      throw new MemosError('E_UNAUTHORIZED', `memOS at ${base} ${adminKey === undefined ? 'needs an admin key: pass --admin-key, or set MEMOS_ADMIN_KEY (or MEMOS_ADMIN_KEY_FILE)' : `refused the admin key: ${((await response.json().catch(() => ({}))) as { detail?: string }).detail ?? 'HTTP 401'}`}`);
    }
    if (!response.ok) throw new MemosError('E_UNAVAILABLE', `memOS at ${base} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as ReindexStatus;
  };

  let status = await call('POST', values['retry-failed'] ? { retryFailed: true } : undefined);
  if (status.progress === undefined) throw new MemosError('E_UNAVAILABLE', `no embedder is ready: ${status.embedder.detail}`);
  if (status.retried !== undefined) process.stdout.write(`${status.retried} failed records are pending again\n`);
  const print = (s: ReindexStatus) => {
    const p = s.progress!;
    const share = p.total === 0 ? 100 : Math.floor((p.ready / p.total) * 100);
    const failed = p.failed ? `, ${p.failed} failed` : '';
    process.stdout.write(`${p.model} (${p.dimensions} dims): ${p.ready}/${p.total} embedded, ${p.pending} pending${failed} (${share}%)${s.lastError ? `; last error: ${s.lastError}` : ''}\n`);
  };
  print(status);
  if (values['no-wait']) return;
  // Records settled: embedded, or refused by the provider for good.
  const settled = (s: ReindexStatus) => (s.progress === undefined ? 0 : s.progress.ready + (s.progress.failed ?? 0));
  const first = status.progress;
  const progress = createProgress({ label: `records embedded by ${first.model} (${first.dimensions} dims)`, total: first.total, intervalMs: interval, quiet: values.quiet ?? false });
  let counted = settled(status);
  progress.tick(counted);
  while (status.progress !== undefined && status.progress.pending > 0) {
    await new Promise((resolve) => setTimeout(resolve, interval));
    status = await call('GET');
    if (status.progress === undefined) break;
    progress.setTotal(status.progress.total);
    const now = settled(status);
    if (now > counted) progress.tick(now - counted);
    counted = Math.max(counted, now);
  }
  progress.done();
  if (status.progress !== undefined) print(status);
  const failures = status.progress?.failures ?? [];
  for (const f of failures) process.stdout.write(`failed: ${f.tier} ${f.namespace}/${f.id} after ${f.attempts} attempts: ${f.error}\n`);
  if (failures.length > 0) process.stdout.write(`the provider refused these texts; keyword search still finds them. Retry with: memos reindex --retry-failed\n`);
}
