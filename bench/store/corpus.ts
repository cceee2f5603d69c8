// A deterministic corpus of agent memories and of search queries over it, from a seeded PRNG,
// word lists and templates. Same seed, same corpus: runs and machines compare like with like.

import type { MemoryKind } from '../../src/core/types.js';
import { normaliseContent } from '../../src/core/text.js';

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const words = (text: string): readonly string[] => text.split(',').map((word) => word.trim());

const NAMES = words('Alice, Bob, Priya, Chen, Maria, Tom, Yuki, Omar, Lena, Diego, Sara, Ivan, Fatima, Noah, Grace, Kenji, Amara, Lucas, Zoe, Ravi, Elena, Hugo, Mei, Jonas, Aisha, Pablo, Ingrid, Kofi, Nadia, Oscar');
const THINGS = words('dark mode, tabs over spaces, short answers, bullet lists, code samples in Python, TypeScript examples, metric units, morning meetings, async updates, email summaries, Slack threads, green tea, espresso, vegetarian food, window seats, quiet rooms, detailed diffs, squash merges, small pull requests, written specs, voice notes, Rust, Go, Postgres, SQLite, Vim keybindings, light mode, weekly reports, calendar invites, plain text emails');
const SITUATIONS = words('reviewing code, travelling, on call, writing docs, debugging production, planning sprints, pairing, working late, in a hurry, learning something new, on mobile, presenting to clients, onboarding new hires, fixing flaky tests, deploying on Fridays, reading logs, triaging bugs, drafting proposals, in long meetings, working from home');
const PROJECTS = words('billing, checkout, search, ingest, auth, analytics, mobile app, payments, notifications, gateway, scheduler, inventory, reporting, onboarding, data lake, recommendations');
const TECH = words('Kubernetes, Docker Compose, AWS Lambda, Cloud Run, bare metal, Nomad, Fly.io, Heroku, ECS, a Raspberry Pi cluster');
const REGIONS = words('eu-west-1, us-east-2, ap-southeast-1, eu-central-1, us-west-2, the Frankfurt office');
const ROLES = words('backend engineer, designer, product manager, data scientist, SRE, tech lead, QA engineer, intern, architect, support lead');
const CITIES = words('Lisbon, Berlin, Toronto, Osaka, Nairobi, Austin, Madrid, Seoul, Oslo, Lagos, Melbourne, Bogota, Prague, Dublin, Pune');
const RELATIONS = words('manager, sister, partner, mentor, cofounder, dog, cat, best friend, landlord, accountant');
const FOODS = words('peanuts, shellfish, gluten, lactose, eggs, soy, sesame, strawberries');
const TASKS = words('rotate the API keys, restore a backup, roll back a release, add a feature flag, rebuild the search index, renew TLS certificates, scale the workers, run the migrations, reset a user password, export the audit log');
const COMMANDS = words('make deploy, npm run migrate, kubectl rollout undo, terraform apply, ./scripts/restore.sh, pnpm build, cargo release, helm upgrade, docker compose up -d, psql -f fix.sql');
const STEPS = words('check the dashboards, post in the incident channel, tag the release, update the changelog, wait for green CI, ping the on-call engineer, snapshot the database, drain the queue, warm the cache, verify the health endpoint');
const PROBLEMS = words('the build broke twice, the tests timed out, a migration locked the table, the docs were outdated, the demo crashed, an alert fired at night, the review took a week, the cache went stale, a dependency was yanked, the estimate slipped');
const REMEDIES = words('start with a smaller change, ask for review earlier, write the runbook first, add a canary stage, pin the dependency, split the migration, share a status update sooner, timebox the spike, add a regression test, pair on the risky part');
const DECISIONS = words('freeze features, hire a contractor, drop the legacy API, move standups to async, adopt trunk based development, cut the scope, switch vendors, add load tests, retire the old dashboard, double the on-call rotation');
const WEEKDAYS = words('Monday, Tuesday, Wednesday, Thursday, Friday');

const USERS = ['alice', 'bob', 'priya', 'chen', 'team-core'] as const;
const AGENTS = ['assistant', 'coder', 'planner'] as const;
const SOURCES = ['chat', 'tool', 'import', 'reflection'] as const;

function date(rng: Rng): string {
  const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(rng() * 1000) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

type Template = { kind: MemoryKind; make: (rng: Rng) => string };

const TEMPLATES: readonly Template[] = [
  { kind: 'preference', make: (r) => `${pick(r, NAMES)} prefers ${pick(r, THINGS)} when ${pick(r, SITUATIONS)}.` },
  { kind: 'preference', make: (r) => `${pick(r, NAMES)} dislikes ${pick(r, THINGS)}; suggest ${pick(r, THINGS)} instead while ${pick(r, SITUATIONS)}.` },
  { kind: 'fact', make: (r) => `${pick(r, NAMES)} works on the ${pick(r, PROJECTS)} team as a ${pick(r, ROLES)} and lives in ${pick(r, CITIES)}.` },
  { kind: 'fact', make: (r) => `${pick(r, NAMES)}'s ${pick(r, RELATIONS)} is ${pick(r, NAMES)}, who is allergic to ${pick(r, FOODS)} (noted ${date(r)}).` },
  { kind: 'fact', make: (r) => `The ${pick(r, PROJECTS)} service runs on ${pick(r, TECH)} in ${pick(r, REGIONS)}; ${pick(r, NAMES)} owns it since ${date(r)}.` },
  { kind: 'procedure', make: (r) => `To ${pick(r, TASKS)} for ${pick(r, PROJECTS)}, run \`${pick(r, COMMANDS)}\`, then ${pick(r, STEPS)} and ${pick(r, STEPS)}.` },
  { kind: 'procedure', make: (r) => `Before deploying ${pick(r, PROJECTS)} on ${pick(r, TECH)}, ${pick(r, STEPS)} and tell ${pick(r, NAMES)}.` },
  { kind: 'reflection', make: (r) => `Last ${pick(r, WEEKDAYS)} (${date(r)}) ${pick(r, NAMES)} was frustrated because ${pick(r, PROBLEMS)}; next time ${pick(r, REMEDIES)}.` },
  { kind: 'summary', make: (r) => `Meeting on ${date(r)}: ${pick(r, NAMES)} and ${pick(r, NAMES)} agreed to ${pick(r, DECISIONS)} for ${pick(r, PROJECTS)}.` },
];

/** One memory as the HTTP API and `services.memories.upsert` take it. */
export interface CorpusMemory {
  content: string;
  kind: MemoryKind;
  importance: number;
  userId: string;
  agentId: string;
  metadata: { source: string; turn: number; pinned?: boolean };
}

/**
 * `count` memories, every one unique after normalisation (so none merges into another:
 * a draw that repeats earlier text is drawn again), in a fixed order for a given seed.
 */
export function generateCorpus(count: number, seed = 42): CorpusMemory[] {
  const rng = mulberry32(seed);
  const seen = new Set<string>();
  const out: CorpusMemory[] = [];
  while (out.length < count) {
    const template = pick(rng, TEMPLATES);
    const content = template.make(rng);
    const key = normaliseContent(content);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      content,
      kind: template.kind,
      importance: Math.round(rng() * 100) / 100,
      userId: pick(rng, USERS),
      agentId: pick(rng, AGENTS),
      metadata: { source: pick(rng, SOURCES), turn: Math.floor(rng() * 500), ...(rng() < 0.1 ? { pinned: true } : {}) },
    });
  }
  return out;
}

export type QueryShape = '1 word' | '3-5 words' | 'no match';
export interface BenchQuery {
  shape: QueryShape;
  text: string;
}

const NONSENSE = words('zorblat, quimbly, frandle, vextor, plonkish, grimwald, snarfle, trobnik, yelvish, mubdrix, kexlor, wimbrel');
const LEAD_INS = ['', '', 'what does ', 'how to ', 'who ', 'remember '];
// Words that no one searches for alone (memOS drops most of them from multi-word queries anyway).
const FUNCTION_WORDS = new Set(words('the, and, for, who, was, with, then, while, since, its, into, instead, next, time, last, run, tell'));

/**
 * `count` search queries drawn from `corpus` (whose words they use): 40% one word, 45% three to
 * five words of one memory (possibly with a question lead-in), 15% made-up words that match nothing.
 */
export function generateQueries(corpus: readonly CorpusMemory[], count: number, seed = 7): BenchQuery[] {
  const rng = mulberry32(seed);
  const queries: BenchQuery[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rng();
    if (roll < 0.15) {
      const n = 1 + Math.floor(rng() * 3);
      queries.push({ shape: 'no match', text: Array.from({ length: n }, () => pick(rng, NONSENSE)).join(' ') });
      continue;
    }
    const tokens = (pick(rng, corpus).content.match(/[A-Za-z][A-Za-z'-]*[A-Za-z]/g) ?? []).filter((token) => token.length > 2);
    if (roll < 0.55) {
      const content = tokens.filter((token) => !FUNCTION_WORDS.has(token.toLowerCase()));
      queries.push({ shape: '1 word', text: pick(rng, content).toLowerCase() });
      continue;
    }
    const n = Math.min(tokens.length, 3 + Math.floor(rng() * 3));
    const start = Math.floor(rng() * Math.max(1, tokens.length - n + 1));
    queries.push({ shape: '3-5 words', text: `${pick(rng, LEAD_INS)}${tokens.slice(start, start + n).join(' ')}`.toLowerCase() });
  }
  return queries;
}
