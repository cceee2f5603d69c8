// Reading a bench's size knobs from the environment.

/** The positive integer in `process.env[name]`, else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
