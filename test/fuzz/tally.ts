// What a fuzz run saw, for its summary and its checks.

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Counts of answers by status class, status, fault and operation, for the summary a run prints. */
export class Tally {
  cases = 0;
  seconds = 0;
  readonly classes = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  readonly faults = new Map<string, Map<string, number>>();
  readonly operations = new Set<string>();

  add(fault: string, operation: string, status: number): void {
    const kind = status === 0 ? 'no answer' : `${Math.floor(status / 100)}xx`;
    this.cases += 1;
    this.operations.add(operation);
    bump(this.classes, kind);
    bump(this.statuses, status);
    const byFault = this.faults.get(fault) ?? new Map<string, number>();
    bump(byFault, kind);
    this.faults.set(fault, byFault);
  }

  summary(title: string): string {
    const list = <K>(map: Map<K, number>) => [...map].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([key, count]) => `${String(key)}: ${count}`).join(', ');
    const faults = [...this.faults].map(([fault, classes]) => `  ${fault.padEnd(18)} ${list(classes)}`).join('\n');
    const raw = [...this.operations].filter((operation) => operation.startsWith('raw: ')).length;
    return `${title}: ${this.cases} cases in ${this.seconds.toFixed(1)} s: ${this.operations.size - raw} operations of /openapi.json, ${raw} raw requests\n  classes  ${list(this.classes)}\n  statuses ${list(this.statuses)}\n${faults}`;
  }
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Whether any string or key in a parsed JSON value holds a lone UTF-16 surrogate (which strict JSON readers refuse). */
export function loneSurrogateIn(value: unknown): boolean {
  const stack: unknown[] = [value];
  for (let item = stack.pop(); stack.length > 0 || item !== undefined; item = stack.pop()) {
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) return true;
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, inner] of Object.entries(item)) stack.push(key, inner);
    }
  }
  return false;
}
