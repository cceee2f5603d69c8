// Test support: a throwaway Redis Cluster of three masters (no replicas) on free loopback ports,
// in a temporary folder of its own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { redisServerMissing } from './redis-server.js';

const NODES = 3;

/** Why no cluster can be started here, or '' when one can. */
export function redisClusterMissing(): string {
  const probe = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
  return redisServerMissing() || (probe.error || probe.status !== 0 ? 'redis-cli is not installed' : '');
}

export interface OwnRedisCluster {
  ports: number[];
  /** Every node, comma-separated, as MEMOS_REDIS_URL takes them with MEMOS_REDIS_CLUSTER=true. */
  url: string;
  /** Kills every node (SIGKILL) and resolves once they have exited. */
  kill(): Promise<void>;
  /** Starts the nodes again on their ports; they rejoin from their cluster config files. Resolves once the cluster is ok. */
  start(): Promise<void>;
  /** Kills every node and removes the folder. */
  dispose(): Promise<void>;
}

/**
 * Starts three cluster-enabled redis-servers with no persistence, joins them with
 * `redis-cli --cluster create` and resolves once every node reports `cluster_state:ok`.
 */
export async function ownRedisCluster(): Promise<OwnRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'memos-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < NODES; i++) ports.push(await freePort());
  let children: ChildProcess[] = [];

  const kill = async () => {
    await Promise.all(
      children.splice(0).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
  };
  const spawnNodes = async () => {
    const args = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--save', '', '--appendonly', 'no', '--dir', dir];
    children = ports.map((port) => spawn('redis-server', args(port), { stdio: 'ignore' }));
    await Promise.all(ports.map((port, i) => until(() => cli(port, 'PING') === 'PONG', () => children[i]!.exitCode === null, `node ${port} did not answer PING`)));
  };
  const clusterOk = () => Promise.all(ports.map((port) => until(() => /cluster_state:ok/.test(cli(port, 'CLUSTER', 'INFO')), () => true, `node ${port} did not reach cluster_state:ok`)));
  const dispose = async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await spawnNodes();
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`);
    await clusterOk();
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    ports,
    url: ports.map((port) => `redis://127.0.0.1:${port}`).join(','),
    kill,
    async start() {
      await spawnNodes();
      await clusterOk();
    },
    dispose,
  };
}

function cli(port: number, ...command: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...command], { encoding: 'utf8' }).stdout?.trim() ?? '';
}

/** Polls `check` every 50 ms for up to 15 s while `alive` holds. */
async function until(check: () => boolean, alive: () => boolean, failure: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (!alive() || Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
