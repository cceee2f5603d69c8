// Scope ids (user, agent, session) interned as small integer codes for a vector partition's rows.
// Codes are reference-counted by live rows: a scope id that no live row carries any more leaves
// the map and its code is reused, so the map never outgrows the rows.

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

export const UNSET = 0;
export const ANY = -1;
export const NOWHERE = -2;
/** An estimate of a Map entry plus a string's header on 64-bit V8. */
const ENTRY_BYTES = 56;

export class ScopeCodes {
  readonly #codes = new Map<string, number>();
  /** Code → its scope id and the live rows that carry it; code 0 is unset. */
  #names: Array<string | undefined> = [undefined];
  #refs: number[] = [0];
  #free: number[] = [];
  #bytes = 0;

  /** Distinct scope ids that live rows carry. */
  get size(): number {
    return this.#codes.size;
  }

  get bytes(): number {
    return this.#bytes + this.#names.length * 12;
  }

  /** What a match asks for: ANY, UNSET, a code, or NOWHERE for an id no row carries. */
  code(value: string | null | undefined): number {
    if (value === undefined) return ANY;
    if (value === null) return UNSET;
    return this.#codes.get(value) ?? NOWHERE;
  }

  /** The code of a scope id that one more live row carries. */
  intern(value: string | undefined): number {
    if (value === undefined) return UNSET;
    let code = this.#codes.get(value);
    if (code === undefined) {
      code = this.#free.pop() ?? this.#names.length;
      this.#codes.set(value, code);
      this.#names[code] = value;
      this.#refs[code] = 0;
      this.#bytes += ENTRY_BYTES + value.length;
    }
    this.#refs[code]! += 1;
    return code;
  }

  /** One live row fewer carries `code`: the last one takes the scope id out of the map. */
  release(code: number): void {
    if (code === UNSET) return;
    const left = (this.#refs[code]! -= 1);
    if (left > 0) return;
    const value = this.#names[code]!;
    this.#codes.delete(value);
    this.#names[code] = undefined;
    this.#bytes -= ENTRY_BYTES + value.length;
    this.#free.push(code);
  }

  /** Code → scope id (null where free), for a snapshot. */
  names(): Array<string | null> {
    return this.#names.map((name) => name ?? null);
  }

  /** The names of a snapshot, without counts yet (see `count`). */
  load(names: Array<string | null>): void {
    this.#names = names.map((name) => name ?? undefined);
    this.#names[0] = undefined;
    this.#refs = names.map(() => 0);
  }

  /** Counts the references of the live rows of a restored partition, and frees unused codes. */
  count(fields: readonly Int32Array[], rows: number, alive: Uint8Array): void {
    for (const field of fields) for (let row = 0; row < rows; row += 1) if (alive[row] === 1 && field[row] !== UNSET) this.#refs[field[row]!]! += 1;
    this.#codes.clear();
    this.#free = [];
    this.#bytes = 0;
    this.#names.forEach((name, code) => {
      if (code === UNSET) return;
      if (name === undefined || this.#refs[code] === 0) {
        this.#names[code] = undefined;
        this.#free.push(code);
        return;
      }
      this.#codes.set(name, code);
      this.#bytes += ENTRY_BYTES + name.length;
    });
  }
}
