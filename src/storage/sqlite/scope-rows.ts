// The rows of a vector partition per scope code, for one scope field (user, agent or session):
// so that an exact scan of one user's rows costs O(that user's rows), not O(the partition).
// A row sits in exactly one list (its code, 0 when unset); moving it is O(1) (swap with the last).

export class ScopeRows {
  /** Code → its rows (the first `length` entries of a growable Int32Array). */
  readonly #lists: Array<{ rows: Int32Array; length: number } | undefined> = [];
  /** Row → its position in its list. */
  #position = new Int32Array(0);

  /** Rows carrying `code` (a live view: read it before the next change). */
  rows(code: number): Int32Array {
    const list = this.#lists[code];
    return list ? list.rows.subarray(0, list.length) : new Int32Array(0);
  }

  count(code: number): number {
    return this.#lists[code]?.length ?? 0;
  }

  add(code: number, row: number): void {
    if (row >= this.#position.length) {
      const grown = new Int32Array(Math.max(64, row + 1, this.#position.length * 2));
      grown.set(this.#position);
      this.#position = grown;
    }
    let list = this.#lists[code];
    if (!list) {
      list = { rows: new Int32Array(4), length: 0 };
      this.#lists[code] = list;
    }
    if (list.length === list.rows.length) {
      const grown = new Int32Array(list.rows.length * 2);
      grown.set(list.rows);
      list.rows = grown;
    }
    list.rows[list.length] = row;
    this.#position[row] = list.length;
    list.length += 1;
  }

  delete(code: number, row: number): void {
    const list = this.#lists[code];
    if (!list) return;
    const at = this.#position[row]!;
    const last = list.rows[list.length - 1]!;
    list.rows[at] = last;
    this.#position[last] = at;
    list.length -= 1;
    if (list.length === 0) this.#lists[code] = undefined;
  }

  /** Every live row of a restored partition at once, by its code in `codes` (the lists must be empty). */
  load(codes: Int32Array, rows: number, alive: Uint8Array): void {
    const counts: number[] = [];
    for (let row = 0; row < rows; row += 1) if (alive[row] === 1) counts[codes[row]!] = (counts[codes[row]!] ?? 0) + 1;
    counts.forEach((count, code) => {
      if (count > 0) this.#lists[code] = { rows: new Int32Array(count), length: 0 };
    });
    this.#position = new Int32Array(Math.max(64, rows));
    for (let row = 0; row < rows; row += 1) {
      if (alive[row] !== 1) continue;
      const list = this.#lists[codes[row]!]!;
      list.rows[list.length] = row;
      this.#position[row] = list.length;
      list.length += 1;
    }
  }

  /** Bytes held: the position array and each list's capacity. */
  get bytes(): number {
    let total = this.#position.byteLength;
    for (const list of this.#lists) if (list) total += list.rows.byteLength + 32;
    return total;
  }
}
