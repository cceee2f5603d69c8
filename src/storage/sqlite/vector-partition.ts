// The vectors of one (tier, namespace, model, dimensions): a growable matrix of unit vectors,
// one row per record, with the record's id and interned scope ids in parallel arrays.
// Cosine similarity is then a dot product. No SQL here.

import { EXCLUDED, topK } from './top-k.js';

/** The scope ids a record carries; a missing id is unset. */
export interface ScopeIds {
  userId?: string | undefined;
  agentId?: string | undefined;
  sessionId?: string | undefined;
}

/** Which rows take part, per id: `undefined` any value, `null` only unset, a string only that id. */
export interface ScopeMatch {
  userId: string | null | undefined;
  agentId: string | null | undefined;
  sessionId: string | null | undefined;
}

export interface Candidate {
  id: string;
  score: number;
}

/** Candidates of one query, best first; ask again with a larger `k` to widen. */
export interface Ranking {
  /** Rows that matched the scope, so `top(k)` can return at most this many. */
  readonly eligible: number;
  top(k: number): Candidate[];
}

const UNSET = 0;
const ANY = -1;
const NOWHERE = -2;
const INITIAL_ROWS = 64;
/** Bytes per row beside its vector: alive flag, three scope codes, tail norm, and the id's slot. */
const ROW_BYTES = 1 + 3 * 4 + 4 + 8;
/** An estimate of a Map entry plus a string's header on 64-bit V8, for ids and scope ids. */
const ENTRY_BYTES = 56;
/** Deleted rows are compacted away once there are this many and they are a quarter of the rows. */
const COMPACT_AFTER = 256;
/** Duplicate checks score this many leading dimensions first, and finish only rows that could still reach the threshold. */
const HEAD = 32;

export class VectorPartition {
  readonly dimensions: number;
  // Nothing is allocated until the first vector: a namespace without vectors costs next to nothing.
  #capacity = 0;
  #size = 0;
  #dead = 0;
  #matrix = new Float32Array(0);
  #alive = new Uint8Array(0);
  #users = new Int32Array(0);
  #agents = new Int32Array(0);
  #sessions = new Int32Array(0);
  /** Norm of each unit row beyond its first HEAD dimensions: bounds the rest of a dot product. */
  #tails = new Float32Array(0);
  #ids: string[] = [];
  readonly #rowOf = new Map<string, number>();
  /** Estimated bytes of the id strings held (live and not yet compacted rows) and of `#rowOf`. */
  #idBytes = 0;
  /**
   * Scope id → code; 0 is unset. Codes are reference-counted by live rows: a scope id that no live
   * row carries any more leaves the map, and its code is reused, so the map never outgrows the rows.
   * A dead row keeps a stale code, which is harmless: dead rows are never scored.
   */
  readonly #codes = new Map<string, number>();
  /** Code → its scope id and the live rows that carry it. */
  #names: Array<string | undefined> = [undefined];
  #refs: number[] = [0];
  readonly #freeCodes: number[] = [];
  #codeBytes = 0;

  constructor(dimensions: number) {
    this.dimensions = dimensions;
  }

  /** Live rows. */
  get size(): number {
    return this.#size - this.#dead;
  }

  /** Distinct scope ids (users, agents, sessions) that live rows carry. */
  get scopeIds(): number {
    return this.#codes.size;
  }

  /**
   * Memory held, in bytes: the typed arrays exactly (capacity × (dimensions × 4 + per-row arrays)),
   * the id and scope id strings and their maps estimated.
   */
  get bytes(): number {
    return this.#capacity * (this.dimensions * 4 + ROW_BYTES) + this.#idBytes + this.#codeBytes;
  }

  /** Adds or replaces a record's vector, stored as a unit-length copy (a zero vector stays zero). */
  upsert(id: string, scope: ScopeIds, vector: Float32Array): void {
    let row = this.#rowOf.get(id);
    if (row === undefined) {
      if (this.#size === this.#capacity) this.#grow();
      row = this.#size;
      this.#size += 1;
      this.#rowOf.set(id, row);
      this.#ids[row] = id;
      this.#alive[row] = 1;
      this.#idBytes += ENTRY_BYTES + id.length;
      this.#users[row] = this.#intern(scope.userId);
      this.#agents[row] = this.#intern(scope.agentId);
      this.#sessions[row] = this.#intern(scope.sessionId);
    } else {
      // Interned before the old codes are released, so that an unchanged scope id keeps its code.
      const old = [this.#users[row]!, this.#agents[row]!, this.#sessions[row]!];
      this.#users[row] = this.#intern(scope.userId);
      this.#agents[row] = this.#intern(scope.agentId);
      this.#sessions[row] = this.#intern(scope.sessionId);
      for (const code of old) this.#release(code);
    }
    let norm = 0;
    for (let j = 0; j < this.dimensions; j += 1) norm += vector[j]! * vector[j]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const base = row * this.dimensions;
    let tail = 0;
    for (let j = 0; j < this.dimensions; j += 1) {
      const value = vector[j]! * scale;
      this.#matrix[base + j] = value;
      if (j >= HEAD) tail += value * value;
    }
    this.#tails[row] = Math.sqrt(tail);
  }

  remove(id: string): boolean {
    const row = this.#rowOf.get(id);
    if (row === undefined) return false;
    this.#rowOf.delete(id);
    this.#alive[row] = 0;
    this.#dead += 1;
    this.#release(this.#users[row]!);
    this.#release(this.#agents[row]!);
    this.#release(this.#sessions[row]!);
    if (this.#dead >= COMPACT_AFTER && this.#dead * 4 >= this.#size) this.#compact();
    return true;
  }

  /** Scores every row in scope against `query` (any length-`dimensions` vector; normalised here). */
  rank(query: Float32Array, match: ScopeMatch): Ranking {
    const users = this.#code(match.userId);
    const agents = this.#code(match.agentId);
    const sessions = this.#code(match.sessionId);
    const q = this.#unit(query);
    const scores = new Float64Array(this.#size);
    if (q === undefined || users === NOWHERE || agents === NOWHERE || sessions === NOWHERE) return this.#ranking(scores.fill(EXCLUDED), 0);
    const eligible = this.#scan(q, scores, users, agents, sessions);
    return this.#ranking(scores, eligible);
  }

  /**
   * The rows in scope whose cosine with `query` reaches `threshold`, best first. For duplicate
   * checks, where almost no row qualifies: no score per row is kept and nothing is ranked.
   */
  above(query: Float32Array, match: ScopeMatch, threshold: number): Candidate[] {
    const users = this.#code(match.userId);
    const agents = this.#code(match.agentId);
    const sessions = this.#code(match.sessionId);
    const q = this.#unit(query);
    if (q === undefined || users === NOWHERE || agents === NOWHERE || sessions === NOWHERE) return [];
    const dim = this.dimensions;
    const head = Math.min(HEAD, dim) & ~3;
    let queryTail = 0;
    for (let j = head; j < dim; j += 1) queryTail += q[j]! * q[j]!;
    queryTail = Math.sqrt(queryTail);
    const m = this.#matrix;
    const alive = this.#alive;
    const rowUsers = this.#users;
    const rowAgents = this.#agents;
    const rowSessions = this.#sessions;
    const tails = this.#tails;
    const found: Candidate[] = [];
    for (let row = 0, base = 0; row < this.#size; row += 1, base += dim) {
      if (
        alive[row] === 0 ||
        (users !== ANY && rowUsers[row] !== users) ||
        (agents !== ANY && rowAgents[row] !== agents) ||
        (sessions !== ANY && rowSessions[row] !== sessions)
      ) {
        continue;
      }
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      for (let j = 0, i = base; j < head; j += 4, i += 4) {
        a += m[i]! * q[j]!;
        b += m[i + 1]! * q[j + 1]!;
        c += m[i + 2]! * q[j + 2]!;
        d += m[i + 3]! * q[j + 3]!;
      }
      let dot = a + b + c + d;
      // Cauchy-Schwarz: the remaining dimensions add at most |query tail| x |row tail|.
      if (dot + queryTail * tails[row]! < threshold) continue;
      for (let j = head, i = base + head; j < dim; j += 1, i += 1) dot += m[i]! * q[j]!;
      if (dot >= threshold) found.push({ id: this.#ids[row]!, score: dot });
    }
    return found.sort((x, y) => y.score - x.score);
  }

  /** `query` scaled to unit length, or undefined for a zero vector. */
  #unit(query: Float32Array): Float64Array | undefined {
    let norm = 0;
    for (let j = 0; j < this.dimensions; j += 1) norm += query[j]! * query[j]!;
    if (norm === 0) return undefined;
    const scale = 1 / Math.sqrt(norm);
    const q = new Float64Array(this.dimensions);
    for (let j = 0; j < this.dimensions; j += 1) q[j] = query[j]! * scale;
    return q;
  }

  /**
   * The hot loop: walks the matrix once, eight products per step into four accumulators, so
   * that the engine can overlap the multiplications. Rows out of scope score EXCLUDED.
   */
  #scan(q: Float64Array, scores: Float64Array, users: number, agents: number, sessions: number): number {
    const m = this.#matrix;
    const alive = this.#alive;
    const rowUsers = this.#users;
    const rowAgents = this.#agents;
    const rowSessions = this.#sessions;
    const dim = this.dimensions;
    const tail = dim - (dim % 8);
    let eligible = 0;
    for (let row = 0, base = 0; row < scores.length; row += 1, base += dim) {
      if (
        alive[row] === 0 ||
        (users !== ANY && rowUsers[row] !== users) ||
        (agents !== ANY && rowAgents[row] !== agents) ||
        (sessions !== ANY && rowSessions[row] !== sessions)
      ) {
        scores[row] = EXCLUDED;
        continue;
      }
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      let j = 0;
      let i = base;
      for (; j < tail; j += 8, i += 8) {
        a += m[i]! * q[j]! + m[i + 4]! * q[j + 4]!;
        b += m[i + 1]! * q[j + 1]! + m[i + 5]! * q[j + 5]!;
        c += m[i + 2]! * q[j + 2]! + m[i + 6]! * q[j + 6]!;
        d += m[i + 3]! * q[j + 3]! + m[i + 7]! * q[j + 7]!;
      }
      for (; j < dim; j += 1, i += 1) a += m[i]! * q[j]!;
      scores[row] = a + b + c + d;
      eligible += 1;
    }
    return eligible;
  }

  #ranking(scores: Float64Array, eligible: number): Ranking {
    // Ids are captured now: the ranking is read within the same synchronous call, before any write.
    const ids = this.#ids;
    return {
      eligible,
      top: (k) => topK(scores, scores.length, Math.min(k, eligible)).map((row) => ({ id: ids[row]!, score: scores[row]! })),
    };
  }

  #code(value: string | null | undefined): number {
    if (value === undefined) return ANY;
    if (value === null) return UNSET;
    return this.#codes.get(value) ?? NOWHERE;
  }

  /** The code of a scope id that one more live row carries. */
  #intern(value: string | undefined): number {
    if (value === undefined) return UNSET;
    let code = this.#codes.get(value);
    if (code === undefined) {
      code = this.#freeCodes.pop() ?? this.#names.length;
      this.#codes.set(value, code);
      this.#names[code] = value;
      this.#refs[code] = 0;
      this.#codeBytes += ENTRY_BYTES + value.length;
    }
    this.#refs[code]! += 1;
    return code;
  }

  /** One live row fewer carries `code`: the last one takes the scope id out of the map. */
  #release(code: number): void {
    if (code === UNSET) return;
    const left = (this.#refs[code]! -= 1);
    if (left > 0) return;
    const value = this.#names[code]!;
    this.#codes.delete(value);
    this.#names[code] = undefined;
    this.#codeBytes -= ENTRY_BYTES + value.length;
    this.#freeCodes.push(code);
  }

  /** Numbers the scope ids of the first `rows` (all live) densely again, so that the code tables shrink too. */
  #renumber(rows: number): void {
    const names: Array<string | undefined> = [undefined];
    const refs = [0];
    const next = new Map<number, number>();
    const recode = (code: number): number => {
      if (code === UNSET) return UNSET;
      let fresh = next.get(code);
      if (fresh === undefined) {
        fresh = names.length;
        names.push(this.#names[code]);
        refs.push(0);
        next.set(code, fresh);
      }
      refs[fresh]! += 1;
      return fresh;
    };
    for (let row = 0; row < rows; row += 1) {
      this.#users[row] = recode(this.#users[row]!);
      this.#agents[row] = recode(this.#agents[row]!);
      this.#sessions[row] = recode(this.#sessions[row]!);
    }
    this.#names = names;
    this.#refs = refs;
    this.#freeCodes.length = 0;
    this.#codes.clear();
    names.forEach((name, code) => {
      if (name !== undefined) this.#codes.set(name, code);
    });
  }

  #grow(): void {
    this.#resize(Math.max(INITIAL_ROWS, this.#capacity * 2));
  }

  #resize(capacity: number): void {
    const matrix = new Float32Array(capacity * this.dimensions);
    matrix.set(this.#matrix.subarray(0, Math.min(this.#size, capacity) * this.dimensions));
    this.#matrix = matrix;
    const copy = <A extends Uint8Array | Int32Array>(from: A, to: A): A => {
      to.set(from.subarray(0, Math.min(this.#size, capacity)));
      return to;
    };
    this.#alive = copy(this.#alive, new Uint8Array(capacity));
    this.#users = copy(this.#users, new Int32Array(capacity));
    this.#agents = copy(this.#agents, new Int32Array(capacity));
    this.#sessions = copy(this.#sessions, new Int32Array(capacity));
    const tails = new Float32Array(capacity);
    tails.set(this.#tails.subarray(0, Math.min(this.#size, capacity)));
    this.#tails = tails;
    this.#capacity = capacity;
  }

  /** Moves live rows down over dead ones, in order, then shrinks when far below capacity. */
  #compact(): void {
    const dim = this.dimensions;
    let next = 0;
    for (let row = 0; row < this.#size; row += 1) {
      if (this.#alive[row] === 0) continue;
      if (row !== next) {
        this.#matrix.copyWithin(next * dim, row * dim, (row + 1) * dim);
        this.#users[next] = this.#users[row]!;
        this.#agents[next] = this.#agents[row]!;
        this.#sessions[next] = this.#sessions[row]!;
        this.#tails[next] = this.#tails[row]!;
        this.#alive[next] = 1;
        this.#ids[next] = this.#ids[row]!;
        this.#rowOf.set(this.#ids[row]!, next);
      }
      next += 1;
    }
    this.#alive.fill(0, next, this.#size);
    this.#ids.length = next;
    this.#size = next;
    this.#dead = 0;
    this.#idBytes = this.#ids.reduce((total, id) => total + ENTRY_BYTES + id.length, 0);
    this.#renumber(next);
    if (this.#capacity > INITIAL_ROWS && next * 4 < this.#capacity) this.#resize(Math.max(INITIAL_ROWS, next * 2));
  }
}
