// Peak RSS of a real `memos serve` under concurrent maximum-size bodies on POST /api/v1/episodes
// (the route with the largest valid request: intervention episodes with three texts each).
//
//   npx tsx bench/limits/body-rss.ts [--root DIR] [--bytes N] [--concurrency 4] [--rounds 3] [--valid]
//
// MEMOS_* variables in the environment reach the server (e.g. MEMOS_MAX_BODY_BYTES).
//
// --root runs another source tree (e.g. an export of an earlier commit, with node_modules linked);
// --bytes is the body size, by default the one the server's 413 names as its limit; without
// --valid the last episode of each batch is invalid, so the whole body is read, parsed and
// validated and nothing is written (what a hostile client costs); with it the batches are written.
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { arg, MB, startBenchServer } from './server-child.js';

const root = arg('root', fileURLToPath(new URL('../..', import.meta.url)));
const concurrency = Number(arg('concurrency', '4'));
const rounds = Number(arg('rounds', '3'));
const valid = process.argv.includes('--valid');
const CONTENT = 32 * 1024;
const METADATA = 16 * 1024 - 64;

/** POSTs `body` with a Content-Length; resolves with the status, or the socket error when the server cuts it off. */
function post(port: number, path: string, body: Buffer): Promise<{ status: number | string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? 'error', ms: performance.now() - started }));
    req.end(body);
  });
}

/** Sends only headers announcing a body of 2 GiB: the server's status, how soon it answers, and the limit its 413 names. */
async function probeLimit(port: number, path: string): Promise<{ status: number | string; ms: number; limit?: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 2 ** 31 } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString())).on('end', () => {
        req.destroy();
        const found = /at most (\d+) bytes/.exec(text);
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, ...(found ? { limit: Number(found[1]) } : {}) });
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? 'error', ms: performance.now() - started }));
    // Bounded: a server that waits for the body gets 5 s.
    setTimeout(() => {
      req.destroy();
      resolve({ status: 'no answer in 5 s', ms: performance.now() - started });
    }, 5000).unref();
    req.flushHeaders();
  });
}

/** A batch of intervention episodes at the default size limits, as close to `bytes` as whole episodes allow. */
function episodesBody(bytes: number): { body: Buffer; items: number } {
  const item = (index: number) =>
    JSON.stringify({
      kind: valid || index > 0 ? 'intervention' : 'Not A Kind',
      content: 'c'.repeat(CONTENT),
      task: 't'.repeat(CONTENT),
      context: 'x'.repeat(CONTENT),
      outcome: 'unknown',
      metadata: { note: 'm'.repeat(METADATA) },
    });
  const size = Buffer.byteLength(item(1)) + 1;
  const items = Math.max(1, Math.min(1000, Math.floor((bytes - 64) / size)));
  // The invalid episode goes last, so that validation has the whole batch to walk.
  const episodes = Array.from({ length: items }, (_, index) => item(index === items - 1 ? 0 : 1));
  return { body: Buffer.from(`{"namespace":"bench","episodes":[${episodes.join(',')}]}`), items };
}

const server = await startBenchServer(root);
try {
  await fetch(`${server.baseUrl}/health/ready`);
  const probe = await probeLimit(server.port, '/api/v1/episodes');
  const limit = probe.limit;
  const bytes = Number(arg('bytes', String(limit ?? 0)));
  if (!(bytes > 0)) throw new Error('the server names no limit: pass --bytes');
  const { body, items } = episodesBody(bytes);
  console.log(`root ${root}`);
  console.log(`route limit ${limit === undefined ? 'not named' : `${limit} bytes (${MB(limit)})`}; body ${body.length} bytes (${MB(body.length)}), ${items} episodes, ${valid ? 'valid' : 'last episode invalid'}; ${concurrency} at once, ${rounds} rounds`);
  console.log(`idle RSS ${MB(server.rss().now)}`);
  for (let round = 1; round <= rounds; round++) {
    const results = await Promise.all(Array.from({ length: concurrency }, () => post(server.port, '/api/v1/episodes', body)));
    const { now, peak } = server.rss();
    console.log(`round ${round}: statuses ${results.map((r) => r.status).join(' ')}; slowest ${Math.round(Math.max(...results.map((r) => r.ms)))} ms; RSS now ${MB(now)}, peak so far ${MB(peak)}`);
  }
  console.log(`headers announcing a 2 GiB body: ${probe.status} after ${Math.round(probe.ms)} ms`);
  console.log(`peak RSS ${MB(server.rss().peak)}`);
} finally {
  await server.stop();
}
