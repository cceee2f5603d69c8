import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { memosCommand } from './cli-entry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `memos` command line as a user does, in a process of its own, without blocking this
 * one (a test that holds connections to a server keeps answering their keep-alive closes).
 * `env` is laid over this process's environment; MEMOS_ADMIN_KEY is left out unless `env` sets it.
 */
export function runMemos(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...memosCommand(), ...args], {
      cwd: ROOT,
      env: { ...process.env, MEMOS_ADMIN_KEY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
