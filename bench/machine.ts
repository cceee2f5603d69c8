import os from 'node:os';
import { VERSION } from '../src/version.js';

/** What a benchmark ran on, printed and saved beside its figures (the machine's noise matters). */
export function machineInfo() {
  const round = (value: number, decimals = 2) => Math.round(value * 10 ** decimals) / 10 ** decimals;
  return {
    memos: VERSION,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAvg: os.loadavg().map((value) => round(value)),
  };
}
