import { fmt, since } from './stats.js';

export interface Phase {
  phase: string;
  seconds: number;
}

/**
 * A benchmark run's bookkeeping: each phase's name and wall time, printed as it goes, and Node
 * warnings collected to print once at the end (Fastify warns again for every app a run builds).
 */
export function createPhases() {
  const phases: Phase[] = [];
  const warnings = new Set<string>();
  process.removeAllListeners('warning');
  process.on('warning', (warning) => warnings.add(`${(warning as Error & { code?: string }).code ?? warning.name}: ${warning.message}`));

  return {
    phases,
    warnings,
    async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const start = performance.now();
      process.stdout.write(`  ${name} ... `);
      const value = await fn();
      const seconds = since(start) / 1000;
      phases.push({ phase: name, seconds });
      process.stdout.write(`${fmt(seconds, 1)} s\n`);
      return value;
    },
  };
}
