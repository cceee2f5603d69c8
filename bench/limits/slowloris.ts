// Slowloris against a real `memos serve`: N sockets send a request whose headers never end (one
// more header line a second). Reports how many the server refused at once, when it closed the
// others, how many were still open at the end of the window, and whether a normal client got
// served meanwhile. Loopback only; bounded in sockets (--sockets) and time (--window-s).
//
//   npx tsx bench/limits/slowloris.ts [--root DIR] [--sockets 1500] [--window-s 20]
//
// --root runs another source tree (e.g. an export of an earlier commit, with node_modules linked);
// MEMOS_* variables in the environment reach the server.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { arg, startBenchServer } from './server-child.js';

const root = arg('root', fileURLToPath(new URL('../..', import.meta.url)));
const count = Math.min(5000, Number(arg('sockets', '1500')));
const windowMs = Math.min(120, Number(arg('window-s', '20'))) * 1000;

const server = await startBenchServer(root);
const started = performance.now();
const closedAt: number[] = [];
const opened: Array<{ at: number; closed?: number; timer?: NodeJS.Timeout; destroy(): void }> = [];
let failedToConnect = 0;

/** One normal request; its status (or failure) and latency. */
async function probe(): Promise<string> {
  const t0 = performance.now();
  const outcome = await fetch(`${server.baseUrl}/health/live`, { signal: AbortSignal.timeout(5000) }).then(
    (response) => String(response.status),
    (error: Error) => `failed (${(error.cause as { code?: string } | undefined)?.code ?? error.name})`,
  );
  return `${outcome} in ${Math.round(performance.now() - t0)} ms`;
}

try {
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve) => {
          const socket = connect(server.port, '127.0.0.1');
          const entry: (typeof opened)[number] = { at: 0, destroy: () => socket.destroy() };
          socket.on('error', () => undefined);
          socket.once('connect', () => {
            entry.at = performance.now();
            opened.push(entry);
            socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
            entry.timer = setInterval(() => socket.writable && socket.write(`X-Slow-${i}: 1\r\n`), 1000);
            resolve();
          });
          socket.once('close', () => {
            if (entry.at === 0) {
              failedToConnect++;
              resolve();
              return;
            }
            entry.closed = performance.now() - entry.at;
            closedAt.push(entry.closed);
            clearInterval(entry.timer);
          });
        }),
    ),
  );
  const openedIn = Math.round(performance.now() - started);
  const during = await probe();
  while (performance.now() - started < windowMs && closedAt.length < opened.length) await new Promise((resolve) => setTimeout(resolve, 100));
  const after = await probe();
  const refused = closedAt.filter((ms) => ms < 500).length;
  const timedOut = closedAt.filter((ms) => ms >= 500).sort((a, b) => a - b);
  const stillOpen = opened.length - closedAt.length;
  const q = (p: number) => (timedOut.length === 0 ? '-' : `${(timedOut[Math.min(timedOut.length - 1, Math.floor(p * timedOut.length))]! / 1000).toFixed(1)} s`);
  console.log(`root ${root}`);
  console.log(`${count} slow sockets opened in ${openedIn} ms (${failedToConnect} failed to connect); window ${windowMs / 1000} s`);
  console.log(`refused at once (closed < 0.5 s): ${refused}`);
  console.log(`closed by the server later: ${timedOut.length} (first ${q(0)}, median ${q(0.5)}, last ${q(1)})`);
  console.log(`still open at the end of the window: ${stillOpen}`);
  console.log(`a normal request while they were open: ${during}; after: ${after}`);
} finally {
  opened.forEach((entry) => {
    clearInterval(entry.timer);
    entry.destroy();
  });
  await server.stop();
}
