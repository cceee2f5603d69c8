// Test support: a throwaway PostgreSQL cluster of the test's own, on a free loopback port, that a
// test may stop and start again on the same port.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** The folder with initdb and pg_ctl: `pg_config --bindir`, else Debian's versioned folders. */
function postgresBinaries(): string | undefined {
  const configured = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = configured.status === 0 ? [configured.stdout.trim()] : [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) candidates.push(...readdirSync(debian).sort().reverse().map((version) => join(debian, version, 'bin')));
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** PostgreSQL refuses to run as root, so a root test runs it as the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : undefined;
}

/** Why no PostgreSQL cluster can be started here, or '' when one can. */
export function postgresServerMissing(): string {
  if (!postgresBinaries()) return 'PostgreSQL server binaries (initdb, pg_ctl) are not installed';
  if (userInfo().uid === 0 && !runAs()) return 'running as root and there is no postgres user to run PostgreSQL as';
  return '';
}

export interface OwnPostgres {
  /** `postgres://postgres@127.0.0.1:{port}/postgres`, trust authentication. */
  url: string;
  port: number;
  /** Starts the server (again, on the same port) and resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it; `immediate` exits without a checkpoint, as after a crash, and the next start recovers from the WAL. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/** A fresh cluster (initdb, trust authentication) in a temporary folder; call `start()` to run it. */
export async function ownPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinaries();
  if (!bin) throw new Error(postgresServerMissing());
  const owner = runAs();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'memos-postgres-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const run = (tool: string, args: string[]) => {
    const result = spawnSync(join(bin, tool), args, { encoding: 'utf8', timeout: 60_000, ...owner });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  let running = false;

  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    running = false;
    run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  };

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      // The socket goes in the cluster's folder, so nothing is written to the system's socket folder.
      run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
      running = true;
    },
    stop,
    async dispose() {
      await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
