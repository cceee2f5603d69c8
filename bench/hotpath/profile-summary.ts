// Summarises a V8 .cpuprofile (node --cpu-prof) by self time: per function and per file, the top
// entries with their share of the sampled time. `tsx bench/hotpath/profile-summary.ts FILE [--top N]`.
// --total: total (inclusive) time instead, each function and file counted once per sample it is on
// the stack of, as a share of the busy (non-idle) samples.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { arg } from '../limits/server-child.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: profile-summary.ts FILE.cpuprofile [--top N] [--match TEXT]');
const top = Number(arg('top', '40'));
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
// --phase NAME: only samples inside the phases whose name contains NAME (phases.json beside the profile, from run.ts).
const wanted = arg('phase', '');
const windows = wanted === '' ? [] : (JSON.parse(readFileSync(join(dirname(file), 'phases.json'), 'utf8')) as { name: string; startUs: number; endUs: number }[]).filter((p) => p.name.includes(wanted));
if (wanted !== '' && windows.length === 0) throw new Error(`no phase named like ${wanted}`);
const inclusive = process.argv.includes('--total');
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const selfUs = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  at += delta;
  if (windows.length > 0 && !windows.some((w) => at >= w.startUs && at <= w.endUs)) return;
  if (inclusive && byId.get(id)!.callFrame.functionName === '(idle)') return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});
const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);

const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'npm:').replace(/^.*?\/(src|bench)\//, '$1/');
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const keysOf = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '(native)' : shortUrl(url);
  const file = url === '' ? functionName || '(native)' : where.startsWith('npm:') ? where.split('/').slice(0, where.startsWith('npm:@') ? 2 : 1).join('/') : where;
  return { fn: `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`, file };
};
const perFunction = new Map<string, number>();
const perFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  if (!inclusive) {
    const { fn, file } = keysOf(byId.get(id)!);
    add(perFunction, fn, us);
    add(perFile, file, us);
    continue;
  }
  // Every function and file on the sample's stack, once each (recursion counts once).
  const fns = new Set<string>();
  const files = new Set<string>();
  for (let node = byId.get(id); node !== undefined; node = byId.get(parentOf.get(node.id) ?? -1)) {
    if (node.callFrame.url === '') continue;
    const { fn, file } = keysOf(node);
    fns.add(fn);
    files.add(file);
  }
  for (const fn of fns) add(perFunction, fn, us);
  for (const file of files) add(perFile, file, us);
}

const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
  }
};
const kind = inclusive ? 'total' : 'self';
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled${inclusive ? ' (busy)' : ''}`);
print(`${kind} time per function`, perFunction);
print(`${kind} time per file (npm packages together)`, perFile);
