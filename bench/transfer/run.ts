// Export and import throughput, and constant memory while exporting: a memOS process (`memos
// serve` from dist/, embedded by default, `--server` adds server mode) imports a generated export of
// N records (episodes and memories, a third of the memories with two earlier versions, every record
// with a 128-dimension vector of the server's model), is restarted (so that its peak RSS starts
// afresh), then exports them all with vectors. Figures: records per second each way (median of
// `--runs`), and the server's peak RSS (VmHWM) during the export, for each N: if the export is
// constant in memory, 100k records peak about where 10k do.
//
//   npm run build && npm run bench:transfer [-- --sizes 10000,100000 --runs 1 --server | --modes server]

import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo } from '../machine.js';
import { createMemosProcess, type StoreMode } from '../scale/memos-process.js';
import { REPO_ROOT } from '../scale/source-tree.js';

const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const SIZES = (arg('sizes') ?? '10000,100000').split(',').map(Number);
const RUNS = Number(arg('runs') ?? '1');
const MODES = (arg('modes') ?? (process.argv.includes('--server') ? 'embedded,server' : 'embedded')).split(',') as StoreMode[];
const NS = 'bench-transfer';
const tree = { label: 'current', root: REPO_ROOT, commit: 'worktree', buildSeconds: 0, remove: async () => undefined };

const WORDS = 'alpha beta gamma delta deploy server memory vector keyword search user prefers tea coffee Berlin Tokyo 東京 café meeting project ranking'.split(' ');
const sentence = (i: number) => Array.from({ length: 12 }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]).join(' ') + ` #${i}`;

function vectorOf(i: number, dims: number): string {
  const vector = new Float32Array(dims);
  let norm = 0;
  for (let j = 0; j < dims; j += 1) norm += (vector[j] = Math.sin(i * 31 + j * 7)) ** 2;
  for (let j = 0; j < dims; j += 1) vector[j] = vector[j]! / Math.sqrt(norm);
  return Buffer.from(vector.buffer).toString('base64');
}

/** An export file of `n` records (half episodes, half memories), vectors of `model`. */
function generate(path: string, n: number, model: string, dims: number): void {
  const lines: string[] = [];
  const t = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  lines.push(JSON.stringify({ type: 'header', format: 'memos-export', version: 1, memosVersion: 'bench', exportedAt: t(0), embedder: null, filters: { namespace: NS }, withVectors: true }));
  const episodes = Math.floor(n / 2);
  for (let i = 0; i < episodes; i += 1) {
    lines.push(JSON.stringify({ type: 'episode', id: `ep-b-${i}`, userId: `u${i % 20}`, kind: 'observation', content: sentence(i), occurredAt: t(i), createdAt: t(i), metadata: { i }, vector: { model, dimensions: dims, data: vectorOf(i, dims) } }));
  }
  for (let i = 0; i < n - episodes; i += 1) {
    const history = i % 3 === 0
      ? [1, 2].map((v) => ({ version: v, content: `${sentence(i + v)} v${v}`, kind: 'fact', importance: 0.5, metadata: {}, sourceEpisodeIds: [], validFrom: t(i + v - 1), validTo: t(i + v), reason: 'update' }))
      : [];
    lines.push(JSON.stringify({ type: 'memory', id: `mem-b-${i}`, userId: `u${i % 20}`, kind: 'fact', content: `${sentence(i + 100_000)} fact`, importance: 0.5, metadata: { i }, sourceEpisodeIds: [`ep-b-${i}`], version: history.length + 1, createdAt: t(i), updatedAt: t(i + 3), history, vector: { model, dimensions: dims, data: vectorOf(i + 7, dims) } }));
  }
  lines.push(JSON.stringify({ type: 'end', counts: { sessions: 0, episodes, memories: n - episodes } }));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** A GET on a connection of its own (not kept alive: generating the file takes longer than the server keeps an idle one). */
const probe = (url: string) =>
  new Promise<string>((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
    }).on('error', reject);
  });

/** POSTs a file as an NDJSON body, streamed from disk, on a connection of its own. */
const postFile = (url: string, file: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const sent = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-ndjson', 'content-length': statSync(file).size } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    sent.on('error', reject);
    createReadStream(file).pipe(sent);
  });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

async function measure(mode: StoreMode, n: number, folder: string) {
  const memos = await createMemosProcess(tree, mode, { MEMOS_AUTO_BACKFILL: 'false' });
  try {
    await memos.start();
    const header = JSON.parse((await probe(`${memos.baseUrl}/api/v1/export?namespace=probe`)).split('\n')[0]!) as { embedder: { model: string; dimensions: number } };
    const file = join(folder, `export-${n}.ndjson`);
    generate(file, n, header.embedder.model, header.embedder.dimensions);

    const importStart = performance.now();
    const imported = await postFile(`${memos.baseUrl}/api/v1/import?namespace=${NS}`, file);
    const summary = JSON.parse(imported.text) as { vectors?: { stored: number } };
    if (imported.status !== 201) throw new Error(`import answered ${imported.status}: ${imported.text.slice(0, 500)}`);
    const importSeconds = (performance.now() - importStart) / 1000;

    await memos.stop();
    await memos.start();
    const idle = memos.rss();
    const exports: number[] = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const start = performance.now();
      const response = await fetch(`${memos.baseUrl}/api/v1/export?namespace=${NS}&withVectors=true`);
      bytes = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      exports.push((performance.now() - start) / 1000);
    }
    const afterExport = memos.rss();
    return {
      mode,
      records: n,
      fileMiB: mib(statSync(file).size),
      importRecordsPerSecond: Math.round(n / importSeconds),
      vectorsStored: summary.vectors?.stored,
      exportRecordsPerSecond: Math.round(n / median(exports)),
      exportMiB: mib(bytes),
      rssIdleMiB: mib(idle.now),
      rssPeakDuringExportMiB: mib(afterExport.peak),
    };
  } finally {
    await memos.dispose();
  }
}

const folder = mkdtempSync(join(tmpdir(), 'memos-bench-transfer-'));
try {
  console.log(JSON.stringify(machineInfo()));
  const rows = [];
  for (const mode of MODES) for (const n of SIZES) rows.push(await measure(mode, n, folder));
  console.table(rows);
  console.log(JSON.stringify(rows));
} finally {
  rmSync(folder, { recursive: true, force: true });
}
