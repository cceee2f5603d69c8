// Slow clients against a real `memos serve`: slowloris sockets are closed after the header timeout,
// connections above the cap are refused, slow bodies and idle keep-alive connections are closed.
// Every loop is bounded in sockets and time, and talks to 127.0.0.1 only.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const HEADERS_TIMEOUT_MS = 2000;
const MAX_CONNECTIONS = 150;
const SLOW_SOCKETS = 200;

const dataDir = mkdtempSync(join(tmpdir(), 'memos-slow-'));
let server: ServerProcess;
let port: number;
beforeAll(async () => {
  server = await startServerProcess({
    MEMOS_DATA_DIR: dataDir,
    MEMOS_EMBEDDER: 'none',
    MEMOS_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    MEMOS_REQUEST_TIMEOUT_MS: '3000',
    MEMOS_KEEP_ALIVE_TIMEOUT_MS: '500',
    MEMOS_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
  });
  port = Number(new URL(server.baseUrl).port);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Watched {
  socket: Socket;
  /** Milliseconds from connecting to being closed by the server; undefined while open. */
  closedAfter?: number;
  answer: string;
}

/** Opens a socket and notes what the server sends and when it closes it. */
function watch(onConnect: (socket: Socket) => void): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const watched: Watched = { socket, answer: '' };
    let connectedAt = 0;
    socket.on('data', (chunk) => (watched.answer += chunk.toString()));
    socket.on('error', () => undefined); // a refused or reset socket still ends in 'close'
    socket.on('close', () => (watched.closedAfter = performance.now() - connectedAt));
    socket.once('connect', () => {
      connectedAt = performance.now();
      onConnect(socket);
      resolve(watched);
    });
    socket.once('error', (error) => (connectedAt === 0 ? reject(error) : undefined));
  });
}

/** Waits until `done()` or `limitMs` passes. */
async function until(done: () => boolean, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

const health = () =>
  fetch(`${server.baseUrl}/health/live`, { signal: AbortSignal.timeout(3000) }).then(
    (response) => response.status,
    () => 'refused',
  );

describe('slow clients', () => {
  it('closes slowloris sockets after the header timeout, refuses connections above the cap, and serves again once slots free', async () => {
    const drips: NodeJS.Timeout[] = [];
    const sockets: Watched[] = [];
    for (let i = 0; i < SLOW_SOCKETS; i++) {
      sockets.push(
        await watch((socket) => {
          // A request whose headers never end: one more header line every 200 ms.
          socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
          drips.push(setInterval(() => socket.writable && socket.write(`X-Slow-${i}: still here\r\n`), 200));
        }),
      );
    }
    try {
      // While every slot is held, a normal client is refused too.
      await until(() => sockets.filter((s) => s.closedAfter !== undefined).length >= SLOW_SOCKETS - MAX_CONNECTIONS, 2000);
      expect(await health()).toBe('refused');

      await until(() => sockets.every((s) => s.closedAfter !== undefined), 10_000);
      const closed = sockets.map((s) => s.closedAfter ?? Infinity);
      // Above the cap: closed at once, long before any timeout.
      const refused = closed.filter((ms) => ms < HEADERS_TIMEOUT_MS / 2);
      // Within the cap: held until the header timeout, then answered 408 and closed.
      const timedOut = sockets.filter((s) => (s.closedAfter ?? 0) >= HEADERS_TIMEOUT_MS * 0.9 && s.closedAfter! < Infinity);
      expect(refused).toHaveLength(SLOW_SOCKETS - MAX_CONNECTIONS);
      expect(timedOut).toHaveLength(MAX_CONNECTIONS);
      expect(timedOut.every((s) => s.answer.startsWith('HTTP/1.1 408'))).toBe(true);
      expect(closed.every((ms) => ms < 10_000)).toBe(true);
      const held = timedOut.map((s) => s.closedAfter!).sort((a, b) => a - b);
      console.log(`slowloris: ${SLOW_SOCKETS} sockets, ${refused.length} refused at once, ${held.length} held ${Math.round(held[0]!)}-${Math.round(held.at(-1)!)} ms (header timeout ${HEADERS_TIMEOUT_MS} ms)`);

      expect(await health()).toBe(200);
    } finally {
      drips.forEach(clearInterval);
      sockets.forEach((s) => s.socket.destroy());
    }
  }, 30_000);

  it('answers 408 and closes a request whose body arrives slower than the request timeout', async () => {
    let drip: NodeJS.Timeout | undefined;
    const watched = await watch((socket) => {
      socket.write('POST /api/v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      drip = setInterval(() => socket.writable && socket.write(' '), 200);
    });
    try {
      await until(() => watched.closedAfter !== undefined, 8000);
      expect(watched.closedAfter).toBeDefined();
      expect(watched.answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
      watched.socket.destroy();
    }
  }, 15_000);

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const watched = await watch((socket) => socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n'));
    try {
      await until(() => watched.answer.includes('\r\n\r\n'), 3000);
      expect(watched.answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(watched.answer).toMatch(/connection: keep-alive/i);
      await until(() => watched.closedAfter !== undefined, 5000);
      expect(watched.closedAfter).toBeDefined();
    } finally {
      watched.socket.destroy();
    }
  }, 15_000);
});
