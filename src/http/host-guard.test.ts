// The Host allow-list against DNS rebinding: a request naming a host memOS does not answer to is refused.
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';

const withHost = (memos: TestMemos, host: string | undefined, method: 'GET' | 'POST' = 'GET', url = '/health/live', payload?: object) =>
  memos.request({ method, url, headers: { host }, ...(payload === undefined ? {} : { payload }) });

describe('Host allow-list, bound to loopback (the default)', () => {
  let memos: TestMemos;
  beforeAll(async () => {
    memos = await startTestMemos();
  });
  afterAll(async () => memos.close());

  it.each(['localhost', 'localhost:7420', '127.0.0.1:7420', '[::1]:7420', 'LOCALHOST:80', '10.0.0.7:7420', '[fe80::1]'])('serves Host %s', async (host) => {
    expect((await withHost(memos, host)).statusCode).toBe(200);
  });

  it.each(['attacker.example', 'attacker.example:7420', 'localhost.attacker.example', '127.0.0.1.nip.io', 'memos.internal'])(
    'refuses Host %s with 421 problem+json naming the host header',
    async (host) => {
      const response = await withHost(memos, host);
      expect(response.statusCode).toBe(421);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'E_HOST_NOT_ALLOWED', field: 'host', errors: [{ field: 'host', location: 'header' }] });
      expect(response.json().detail).toContain(`'${host.split(':')[0]}' is not a host name this server answers to`);
      expect(response.json().detail).toContain('MEMOS_ALLOWED_HOSTS');
    },
  );

  it('refuses a write under a foreign Host before reading its body, and writes nothing', async () => {
    const response = await withHost(memos, 'rebound.example:7420', 'POST', '/api/v1/memories', { namespace: 'hosts', memories: [{ content: 'planted by a web page' }] });
    expect(response.statusCode).toBe(421);
    expect((await memos.json('GET', '/api/v1/memories?namespace=hosts')).body.items).toEqual([]);
  });

  it('serves an HTTP/1.0 request without a Host header (health checkers send those; browsers never do)', async () => {
    const address = new URL(await memos.app.listen({ host: '127.0.0.1', port: 0 }));
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(address.port), '127.0.0.1', () => socket.end('GET /health/live HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('quotes no malformed Host back', async () => {
    const response = await withHost(memos, 'bad host<script>');
    expect(response.statusCode).toBe(421);
    expect(response.body).not.toContain('<script>');
  });
});

describe('Host allow-list, configured', () => {
  it('serves the names of MEMOS_ALLOWED_HOSTS and its *. patterns, and loopback names and addresses still', async () => {
    const memos = await startTestMemos({ MEMOS_ALLOWED_HOSTS: 'memos.example.com, *.internal' });
    try {
      for (const host of ['memos.example.com', 'MEMOS.example.com:443', 'api.internal', 'a.b.internal:7420', 'localhost:7420', '192.168.1.20']) {
        expect((await withHost(memos, host)).statusCode, host).toBe(200);
      }
      for (const host of ['example.com', 'other.example.com', 'internal', 'evilinternal']) {
        expect((await withHost(memos, host)).statusCode, host).toBe(421);
      }
    } finally {
      await memos.close();
    }
  });

  it('serves any host with MEMOS_ALLOWED_HOSTS=*', async () => {
    const memos = await startTestMemos({ MEMOS_ALLOWED_HOSTS: '*' });
    try {
      expect((await withHost(memos, 'anything.example')).statusCode).toBe(200);
    } finally {
      await memos.close();
    }
  });

  it('serves any host when bound beyond loopback with no list, and warns at start', async () => {
    const logs = new PassThrough();
    const lines: string[] = [];
    logs.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const memos = await startTestMemos({ MEMOS_HOST: '0.0.0.0', MEMOS_LOG_LEVEL: 'warn', MEMOS_ADMIN_KEY: 'an-admin-key-of-at-least-32-characters-long' }, undefined, undefined, logs);
    try {
      expect((await withHost(memos, 'memos.svc.cluster.local:7420')).statusCode).toBe(200);
      const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level === 40);
      expect(warnings.map((entry) => entry.msg)).toContainEqual(expect.stringContaining('set MEMOS_ALLOWED_HOSTS'));
    } finally {
      await memos.close();
    }
  });

  it('refuses a MEMOS_ALLOWED_HOSTS entry with a port or scheme, naming the variable', async () => {
    await expect(startTestMemos({ MEMOS_ALLOWED_HOSTS: 'memos.example.com, https://x.example' })).rejects.toThrow(/MEMOS_ALLOWED_HOSTS \(server\.allowedHosts\.1\): must be host names/);
  });
});
