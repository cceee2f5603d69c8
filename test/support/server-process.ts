import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { memosCommand } from './cli-entry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Lines the server wrote to stdout (JSON logs). */
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a command line in some wrapper (e.g. a mount namespace of its own): returns the command and arguments to spawn. */
export type Launcher = (command: string, args: string[]) => [string, string[]];

/**
 * Starts `memos serve` as a real child process on an ephemeral loopback port and resolves once
 * it logs that it is listening. `nodeArgs` go to Node.js before the CLI (e.g. `--import` of a helper).
 * A `launcher` may wrap the command; it must exec memOS in place, so that the child's pid is memOS's.
 */
export async function startServerProcess(
  env: Record<string, string>,
  args: string[] = [],
  options: { nodeArgs?: string[]; launcher?: Launcher } = {},
): Promise<ServerProcess> {
  const serve = [process.execPath, [...memosCommand(options.nodeArgs), 'serve', '--host', '127.0.0.1', '--port', '0', ...args]] as [string, string[]];
  const [command, commandArgs] = options.launcher ? options.launcher(...serve) : serve;
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...process.env, MEMOS_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s; stderr: ${stderr}`)), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'memOS is listening' && entry.address) {
          clearTimeout(timer);
          resolve(entry.address);
        }
      } catch {
        // not a log line
      }
    });
  });

  return {
    child,
    baseUrl,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
