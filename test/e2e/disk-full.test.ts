// Embedded mode on a data folder that really fills up: memOS runs as a child process in a mount
// namespace of its own, on a small tmpfs that the test fills with a file (through /proc/<pid>/root)
// and empties again. The mount lives and dies with that process, so nothing is left behind.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { until } from '../support/until.js';

/** Why no tmpfs can be mounted in a mount namespace of a child's own here, or '' when one can. */
function privateTmpfsMissing(): string {
  const dir = mkdtempSync(join(tmpdir(), 'memos-tmpfs-probe-'));
  try {
    const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=1m tmpfs "$0" && umount "$0"', dir], { encoding: 'utf8' });
    if (probe.error) return 'unshare is not installed';
    return probe.status === 0 ? '' : `a tmpfs cannot be mounted in a private mount namespace (${probe.stderr.trim() || `exit ${probe.status}`})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const missing = privateTmpfsMissing();
const dataDir = mkdtempSync(join(tmpdir(), 'memos-disk-full-'));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Writes zeros into `path` until the file system refuses (ENOSPC). */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as { code?: string }).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(missing !== '')(`a full data folder${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('answers writes 503 with Retry-After, goes unready, keeps serving reads and sessions, and recovers once there is room', async () => {
    server = await startServerProcess(
      { MEMOS_DATA_DIR: dataDir, MEMOS_EMBEDDER: 'none', MEMOS_AUTO_BACKFILL: 'false', MEMOS_SQLITE_SYNCHRONOUS: 'normal' },
      [],
      // A tmpfs of 16 MiB on the data folder, seen by memOS alone; `exec` keeps memOS's pid the child's.
      { launcher: (command, args) => ['unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=16m tmpfs "$0" && exec "$@"', dataDir, command, ...args]] },
    );
    const base = server.baseUrl;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(base + path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
    };
    expect((await call('PUT', '/api/v1/sessions/chat', { messages: [{ role: 'user', content: 'the disk is about to fill' }], ttlSeconds: 60 })).status).toBe(201);
    expect((await call('POST', '/api/v1/memories', { memories: [{ content: 'written while there was room' }] })).status).toBe(201);
    expect((await call('GET', '/health/ready')).status).toBe(200);

    // The test fills memOS's tmpfs through the process's own view of the file system.
    const filler = `/proc/${server.child.pid}/root${dataDir}/filler`;
    fill(filler);

    const big = 'the disk is full '.repeat(1200);
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 100 && refused === undefined; i += 1) {
      const answer = await call('POST', '/api/v1/memories', { memories: [{ content: `${big} ${i}` }] });
      if (answer.status !== 201) refused = answer;
    }
    expect(refused).toMatchObject({ status: 503, retryAfter: '30', body: { code: 'E_STORAGE_UNAVAILABLE' } });
    expect(refused!.body.detail).toMatch(/disk is full/);

    await until(async () => (await call('GET', '/health/ready')).status === 503, 10_000);
    const ready = await call('GET', '/health/ready');
    expect(ready.body).toMatchObject({ status: 'not_ready', detail: expect.stringMatching(/cannot take writes \(ENOSPC\)/) });
    const detailed = await call('GET', '/health/detailed');
    expect(detailed.status).toBe(503);
    expect(detailed.body.components).toMatchObject({ disk: { status: 'unhealthy' }, storage: { status: 'healthy' } });

    // Reads go on: a session (whose TTL refresh may not be writable), a memory list, a search.
    const session = await call('GET', '/api/v1/sessions/chat');
    expect(session.status).toBe(200);
    expect(session.body.messages).toHaveLength(1);
    expect((await call('GET', '/api/v1/memories')).status).toBe(200);
    expect((await call('POST', '/api/v1/search', { query: 'room', mode: 'keyword' })).status).toBe(200);

    unlinkSync(filler);
    await until(async () => (await call('GET', '/health/ready')).status === 200, 10_000);
    expect((await call('POST', '/api/v1/memories', { memories: [{ content: 'written once there was room again' }] })).status).toBe(201);
    const lines = server.logs.filter((line) => line.includes('"request failed"'));
    console.info(`disk full: ${lines.length} 'request failed' log lines`);
  }, 60_000);
});
