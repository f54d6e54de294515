// The strings a run has used (uids, datum ids), each with the index of the document that used it first: an
// exact hash set whose table and per-entry numbers live in typed arrays. A run of a million events then costs
// a few flat buffers that garbage collection never scans, instead of a Map of a million entries.

/**
 * A multiply-xorshift hash over the UTF-16 code units, two to a 32-bit word, in two lanes (four units a step,
 * with independent multiplies), finished by murmur3's mixer. Any hash is exact here (entries are compared as
 * strings on a hash match); the xorshift after each multiply brings every unit into the low bits the table
 * is indexed by, so uids that share long prefixes or suffixes ("<run uid>-<n>") still spread evenly.
 */
export function hashOf(text: string): number {
  const length = text.length;
  let a = 0x9747b28c ^ length;
  let b = 0x5bd1e995;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    a = Math.imul(a ^ (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)), 0x2c1b3c6d);
    a ^= a >>> 15;
    b = Math.imul(b ^ (text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16)), 0x297a2d39);
    b ^= b >>> 15;
  }
  for (; i < length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x2c1b3c6d);
    a ^= a >>> 15;
  }
  let hash = a ^ Math.imul(b, 0x85ebca6b);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/** Entries are kept in chunks of this many, so the set grows without copying what it holds. */
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK - 1;

export class FirstUses {
  /**
   * Open addressing, linear probing, at most half full, one int32 a slot (0: free). With `mask` covering the
   * index bits, a slot holds `entry + 1` in those bits and the entry's hash bits above them: a probe that
   * meets another entry tells it apart without a second memory access, and the strings are read only when
   * all 32 bits agree. One int32 a slot keeps the table small enough for the caches to cover.
   */
  private table = new Int32Array(256);
  private mask = 255;
  private count = 0;
  /** Entry e is `values[e >> CHUNK_BITS][e & IN_CHUNK]`, and likewise its hash and first document. */
  private readonly values: string[][] = [];
  private readonly hashes: Int32Array[] = [];
  private readonly firstDocs: Int32Array[] = [];
  /** The hashes of the values `claimAll` is adding, computed before the table is probed for any of them. */
  private pageHashes = new Int32Array(1024);
  /** What `claimAll`'s prefetch read (never used). */
  private touched = 0;

  get size(): number {
    return this.count;
  }

  /** The document that first used `value`, or -1 if none has. */
  first(value: string): number {
    const entry = this.entryOf(this.table[this.find(value, hashOf(value))]);
    return entry < 0 ? -1 : this.firstDocs[entry >> CHUNK_BITS][entry & IN_CHUNK];
  }

  has(value: string): boolean {
    return this.table[this.find(value, hashOf(value))] !== 0;
  }

  /** Records that document `docIndex` uses `value`; returns the document that used it first, or -1 if none. */
  claim(value: string, docIndex: number): number {
    this.reserve(1);
    return this.claimHashed(value, hashOf(value), docIndex);
  }

  /**
   * `claim` for each of `values` (a page's uids) used by document `docIndex`, growing the table at most once.
   * Calls `repeated(j, first)` for each `values[j]` used before (by an earlier document, or earlier in the
   * list: then `first` is `docIndex`). Values that are not strings are skipped.
   */
  claimAll(values: readonly unknown[], docIndex: number, repeated: (j: number, first: number) => void): void {
    this.reserve(values.length);
    if (this.pageHashes.length < values.length) this.pageHashes = new Int32Array(values.length);
    // Hash every value first. at(j): an indexed read that met arrays of several kinds would box arrays of
    // doubles elsewhere.
    const hashes = this.pageHashes;
    for (let j = 0; j < values.length; j++) {
      const value = values.at(j);
      if (typeof value === "string") hashes[j] = hashOf(value);
    }
    // Then read each value's slot once, loads independent of one another so that their cache misses overlap
    // (the probes that follow find the slots in the cache): a prefetch. Kept in a field, lest it be optimized
    // away.
    const table = this.table;
    const mask = this.mask;
    let touched = 0;
    for (let j = 0; j < values.length; j++) touched |= table[hashes[j] & mask];
    this.touched ^= touched;
    for (let j = 0; j < values.length; j++) {
      const value = values.at(j);
      if (typeof value !== "string") continue;
      const first = this.claimHashed(value, hashes[j], docIndex);
      if (first >= 0) repeated(j, first);
    }
  }

  /** `claim` once the table has room for one more entry. */
  private claimHashed(value: string, hash: number, docIndex: number): number {
    const slot = this.find(value, hash);
    const entry = this.entryOf(this.table[slot]);
    if (entry >= 0) return this.firstDocs[entry >> CHUNK_BITS][entry & IN_CHUNK];
    const n = this.count++;
    const chunk = n >> CHUNK_BITS;
    if (chunk === this.values.length) {
      this.values.push(new Array<string>(CHUNK));
      this.hashes.push(new Int32Array(CHUNK));
      this.firstDocs.push(new Int32Array(CHUNK));
    }
    this.values[chunk][n & IN_CHUNK] = value;
    this.hashes[chunk][n & IN_CHUNK] = hash;
    this.firstDocs[chunk][n & IN_CHUNK] = docIndex;
    this.table[slot] = (hash & ~this.mask) | (n + 1);
    return -1;
  }

  /** The entry a slot holds, or -1 for a free slot. */
  private entryOf(word: number): number {
    return (word & this.mask) - 1;
  }

  /** The slot holding `value`, or the free slot where it belongs. */
  private find(value: string, hash: number): number {
    const table = this.table;
    const mask = this.mask;
    const high = hash & ~mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const word = table[slot];
      if (word === 0) return slot;
      if ((word & ~mask) === high) {
        const entry = (word & mask) - 1;
        if (this.hashes[entry >> CHUNK_BITS][entry & IN_CHUNK] === hash) {
          if (this.values[entry >> CHUNK_BITS][entry & IN_CHUNK] === value) return slot;
        }
      }
    }
  }

  /** Grows the table, if needed, so that `more` entries fit and it stays at most half full. */
  private reserve(more: number): void {
    const needed = 2 * (this.count + more);
    let slots = this.mask + 1;
    if (needed <= slots) return;
    // Past 64k entries the table grows fourfold: a rehash reads every entry, and fewer of them cost less.
    while (slots < needed) slots *= slots >= 1 << 17 ? 4 : 2;
    const table = new Int32Array(slots);
    const mask = slots - 1;
    for (let entry = 0; entry < this.count; entry++) {
      const hash = this.hashes[entry >> CHUNK_BITS][entry & IN_CHUNK];
      let slot = hash & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = (hash & ~mask) | (entry + 1);
    }
    this.table = table;
    this.mask = mask;
  }
}
