// The time-sorted lookup every muxing operation shares: keys (times, or a motor's positions) sorted once,
// stably, so that equal keys keep their input order, then searched for the last key at or before a value
// (`previous`) or the first at or after it (`next`). NaN keys are left out: a row without a time matches nothing.

export class SortedKeys {
  /** Keys in ascending order. */
  readonly keys: Float64Array;
  /** `rows[i]`: the input row of the i-th smallest key. */
  readonly rows: Int32Array;

  private constructor(keys: Float64Array, rows: Int32Array) {
    this.keys = keys;
    this.rows = rows;
  }

  /** The keys of the rows `keep` accepts (all rows by default), sorted stably; NaN keys are dropped. */
  static of(values: ArrayLike<number>, keep?: (row: number) => boolean): SortedKeys {
    const picked: number[] = [];
    let sorted = true;
    let last = Number.NEGATIVE_INFINITY;
    for (let row = 0; row < values.length; row++) {
      const key = values[row];
      if (Number.isNaN(key) || (keep !== undefined && !keep(row))) continue;
      if (key < last) sorted = false;
      last = key;
      picked.push(row);
    }
    const rows = Int32Array.from(picked);
    // Already sorted (the usual case for times) costs one pass; otherwise a stable sort by key.
    if (!sorted) {
      const order = picked.sort((a, b) => values[a] - values[b] || a - b);
      rows.set(order);
    }
    const keys = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) keys[i] = values[rows[i]];
    return new SortedKeys(keys, rows);
  }

  get length(): number {
    return this.keys.length;
  }

  /** Position of the last key <= value (< value when not `inclusive`), or -1. Among equal keys, the last. */
  previous(value: number, inclusive = true): number {
    const keys = this.keys;
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (inclusive ? keys[middle] <= value : keys[middle] < value) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }

  /** Position of the first key >= value (> value when not `inclusive`), or -1. Among equal keys, the first. */
  next(value: number, inclusive = true): number {
    const position = this.previous(value, !inclusive) + 1;
    return position < this.keys.length ? position : -1;
  }

  /**
   * `previous` (or `next`) of every query at once: a cursor walks forward while the queries rise (one pass
   * over both for sorted queries), and a query below its predecessor falls back to a binary search.
   */
  positions(queries: ArrayLike<number>, direction: "previous" | "next", inclusive = true): Int32Array {
    // Count the keys before each query: those <= it (`through`) or those < it.
    const through = direction === "previous" ? inclusive : !inclusive;
    const counts = through ? this.countsThrough(queries) : this.countsBelow(queries);
    const n = this.keys.length;
    // A count of -1 marks a NaN query, which matches nothing either way.
    if (direction === "previous")
      for (let i = 0; i < counts.length; i++) counts[i] = counts[i] > 0 ? counts[i] - 1 : -1;
    else for (let i = 0; i < counts.length; i++) if (counts[i] >= n) counts[i] = -1;
    return counts;
  }

  /** For each query, the number of keys <= it (-1 for NaN); a cursor walks while queries rise. */
  private countsThrough(queries: ArrayLike<number>): Int32Array {
    const keys = this.keys;
    const n = keys.length;
    const out = new Int32Array(queries.length);
    let cursor = 0;
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < queries.length; i++) {
      const query = queries[i];
      if (query >= last) while (cursor < n && keys[cursor] <= query) cursor++;
      else if (!Number.isNaN(query)) cursor = this.previous(query, true) + 1;
      else {
        out[i] = -1;
        continue;
      }
      last = query;
      out[i] = cursor;
    }
    return out;
  }

  /** For each query, the number of keys < it (-1 for NaN). */
  private countsBelow(queries: ArrayLike<number>): Int32Array {
    const keys = this.keys;
    const n = keys.length;
    const out = new Int32Array(queries.length);
    let cursor = 0;
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < queries.length; i++) {
      const query = queries[i];
      if (query >= last) while (cursor < n && keys[cursor] < query) cursor++;
      else if (!Number.isNaN(query)) cursor = this.previous(query, false) + 1;
      else {
        out[i] = -1;
        continue;
      }
      last = query;
      out[i] = cursor;
    }
    return out;
  }
}
