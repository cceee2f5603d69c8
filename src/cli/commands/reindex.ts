import { loadConfig } from '../../config/load.js';
import { MemosError } from '../../core/errors.js';
import { parseFlags } from '../parse-flags.js';

interface ReindexStatus {
  running: boolean;
  embedded: number;
  lastError?: string;
  progress?: { model: string; dimensions: number; ready: number; pending: number; total: number };
  embedder: { state: string; detail: string };
}

/**
 * `memos reindex`: asks a running memOS to embed every record that has no vector of its current
 * model (after a model change, or an embedder outage), and prints progress until none is left.
 * The server keeps serving meanwhile; search uses keywords for records not embedded yet.
 */
export async function reindexCommand(args: string[]): Promise<void> {
  const values = parseFlags(args, { url: { type: 'string' }, 'no-wait': { type: 'boolean' }, 'interval-ms': { type: 'string' } });
  const config = loadConfig({ env: process.env });
  const base = (values.url ?? `http://${config.server.host}:${config.server.port}`).replace(/\/$/, '');
  const interval = Number(values['interval-ms'] ?? 1000);

  const call = async (method: 'GET' | 'POST'): Promise<ReindexStatus> => {
    let response: Response;
    try {
      response = await fetch(`${base}/api/v1/admin/reindex`, { method });
    } catch (cause) {
      throw new MemosError('E_UNAVAILABLE', `no memOS answers at ${base}; start it with 'memos serve' or pass --url`, { cause });
    }
    if (!response.ok) throw new MemosError('E_UNAVAILABLE', `memOS at ${base} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as ReindexStatus;
  };

  let status = await call('POST');
  if (status.progress === undefined) throw new MemosError('E_UNAVAILABLE', `no embedder is ready: ${status.embedder.detail}`);
  const print = (s: ReindexStatus) => {
    const p = s.progress!;
    const share = p.total === 0 ? 100 : Math.floor((p.ready / p.total) * 100);
    process.stdout.write(`${p.model} (${p.dimensions} dims): ${p.ready}/${p.total} embedded, ${p.pending} pending (${share}%)${s.lastError ? `; last error: ${s.lastError}` : ''}\n`);
  };
  print(status);
  if (values['no-wait']) return;
  while (status.progress !== undefined && status.progress.pending > 0) {
    await new Promise((resolve) => setTimeout(resolve, interval));
    status = await call('GET');
    print(status);
  }
}
