// `memos keys` as an operator runs it: on the data folder itself, and with --url on a running memOS.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMemos } from '../support/memos-cli.js';
import { scratchSpace } from '../support/scratch-space.js';
import { startServerProcess } from '../support/server-process.js';

const { scratch, running } = scratchSpace('memos-keys-cli-');

const ADMIN = 'an-admin-key-for-the-cli-tests-0123456789';
const KEY = /^memos_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const SLOW = { timeout: 120_000 };

interface Listed {
  id: string;
  name?: string;
  role: string;
  namespaces: string[];
  userId?: string;
  rateLimit?: { perSecond: number; burst: number };
  expiresAt?: string;
  revokedAt?: string;
}

describe('memos keys on the data folder', () => {
  const folder = join(scratch, 'not-there-yet', 'data');
  const keys = (args: string[]) => runMemos(['keys', ...args], { MEMOS_DATA_DIR: folder });

  it('makes keys in a data folder that does not exist yet, shows each key once, lists them without secrets, and revokes', SLOW, async () => {
    const admin = await keys(['create', '--role', 'admin', '--name', 'ops']);
    expect(admin.status, admin.stderr).toBe(0);
    // The key alone on standard output, for KEY=$(memos keys create ...); what it is on standard error.
    const [, adminId, adminSecret] = KEY.exec(admin.stdout.trim())!;
    expect(admin.stdout).toBe(`${admin.stdout.trim()}\n`);
    expect(admin.stderr).toContain(`made key ${adminId} (ops): role admin, namespaces *, in the data folder ${folder}`);
    expect(admin.stderr).toContain('cannot be shown again');

    const reader = await keys(['create', '--role', 'read', '--namespaces', 'team-a, team-b', '--user', 'alice', '--name', 'bot', '--expires', '2099-01-01T00:00:00+01:00', '--rate-per-second', '5', '--rate-burst', '20', '--json']);
    expect(reader.status, reader.stderr).toBe(0);
    const made = JSON.parse(reader.stdout) as Listed & { key: string; createdAt: string };
    expect(made).toMatchObject({ name: 'bot', role: 'read', namespaces: ['team-a', 'team-b'], userId: 'alice', rateLimit: { perSecond: 5, burst: 20 }, expiresAt: '2098-12-31T23:00:00.000Z' });
    const [, readerId, readerSecret] = KEY.exec(made.key)!;
    expect(made.id).toBe(readerId);

    const table = await keys(['list']);
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ROLE\s+NAMESPACES\s+USER\s+STATE\s+CREATED\s+EXPIRES\s+LAST USED$/);
    expect(lines[1]).toMatch(new RegExp(`^${readerId}\\s+bot\\s+read\\s+team-a,team-b\\s+alice\\s+active\\s+\\S+Z\\s+2098-12-31T23:00:00Z\\s+-$`));
    expect(lines[2]).toMatch(new RegExp(`^${adminId}\\s+ops\\s+admin\\s+\\*\\s+-\\s+active\\s`));
    const json = await keys(['list', '--json']);
    const { items } = JSON.parse(json.stdout) as { items: Listed[] };
    expect(items.map((item) => item.id)).toEqual([readerId, adminId]);
    for (const output of [table.stdout, table.stderr, json.stdout]) {
      expect(output).not.toContain(adminSecret);
      expect(output).not.toContain(readerSecret);
      expect(output).not.toMatch(/"(key|hash)"/);
    }

    const revoked = await keys(['revoke', readerId!]);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked key ${readerId}`);
    expect((await keys(['list'])).stdout).toMatch(new RegExp(`^${readerId}.*\\srevoked\\s`, 'm'));
    const again = await keys(['revoke', readerId!]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`E_NOT_FOUND: key '${readerId}' was not found`);
  });

  it('exits 78 on a bad flag, naming it, before touching the storage (each problem: src/cli/commands/keys.test.ts)', SLOW, async () => {
    const result = await runMemos(['keys', 'create', '--role', 'read', '--namespaces', 'a', '--expires', 'tomorrow'], { MEMOS_DATA_DIR: join(scratch, 'never-made') });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain("E_CONFIG: --expires 'tomorrow': must be an ISO 8601 date-time with a time zone");
    expect(existsSync(join(scratch, 'never-made'))).toBe(false);
  });

  it('answers memos keys without a command with its usage and exit code 2', SLOW, async () => {
    const result = await keys([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('memos keys: say what to do: create, list or revoke');
    expect(result.stderr).toContain('Usage: memos keys create --role ROLE');
  });
});

describe('memos keys --url', () => {
  it('makes, lists and revokes keys through a running memOS, with --admin-key or MEMOS_ADMIN_KEY', SLOW, async () => {
    const server = await startServerProcess({ MEMOS_DATA_DIR: join(scratch, 'served'), MEMOS_EMBEDDER: 'none', MEMOS_ADMIN_KEY: ADMIN });
    running.push(server);
    const url = server.baseUrl.replace('http://', '');

    const made = await runMemos(['keys', 'create', '--url', url, '--admin-key', ADMIN, '--role', 'write', '--namespaces', 'team-a', '--name', 'writer']);
    expect(made.status, made.stderr).toBe(0);
    const key = made.stdout.trim();
    const [, id] = KEY.exec(key)!;
    expect(made.stderr).toContain(`made key ${id} (writer): role write, namespaces team-a, in memOS at ${server.baseUrl}`);
    const written = await fetch(`${server.baseUrl}/api/v1/memories`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ memories: [{ content: 'written with a key the CLI made' }] }),
    });
    expect(written.status).toBe(201);

    const listed = await runMemos(['keys', 'list', '--url', url, '--json'], { MEMOS_ADMIN_KEY: ADMIN });
    expect(listed.status, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { items: Listed[] }).items).toEqual([expect.objectContaining({ id, name: 'writer', role: 'write', namespaces: ['team-a'] })]);

    const keyless = await runMemos(['keys', 'list', '--url', url]);
    expect(keyless.status).toBe(1);
    expect(keyless.stderr).toContain(`E_UNAUTHORIZED: memOS at ${server.baseUrl} needs an admin key: pass --admin-key, or set MEMOS_ADMIN_KEY`);
    const notAdmin = await runMemos(['keys', 'create', '--url', url, '--role', 'admin'], { MEMOS_ADMIN_KEY: key });
    expect(notAdmin.status).toBe(1);
    expect(notAdmin.stderr).toContain("E_FORBIDDEN: memOS at");
    expect(notAdmin.stderr).toContain("this key's role is write");

    const revoked = await runMemos(['keys', 'revoke', id!, '--url', url], { MEMOS_ADMIN_KEY: ADMIN });
    expect(revoked.status, revoked.stderr).toBe(0);
    // The replica that revokes forgets the key at once.
    expect((await fetch(`${server.baseUrl}/api/v1/memories?namespace=team-a`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    const again = await runMemos(['keys', 'revoke', id!, '--url', url], { MEMOS_ADMIN_KEY: ADMIN });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('E_NOT_FOUND');

    // memos reindex takes the admin key the same way (no embedder on this server: the answer proves the request got through).
    const reindexKeyless = await runMemos(['reindex', '--url', url, '--no-wait']);
    expect(reindexKeyless.status).toBe(1);
    expect(reindexKeyless.stderr).toContain(`E_UNAUTHORIZED: memOS at ${server.baseUrl} needs an admin key`);
    const reindex = await runMemos(['reindex', '--url', url, '--no-wait'], { MEMOS_ADMIN_KEY: ADMIN });
    expect(reindex.stderr).toContain('E_UNAVAILABLE: no embedder is ready');
  });
});
