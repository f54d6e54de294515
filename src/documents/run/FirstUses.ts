// The strings a run has used (uids, datum ids), each with the index of the document that used it first: an
// exact hash set whose table and per-entry numbers live in typed arrays. A run of a million events then costs
// a few flat buffers that garbage collection never scans, instead of a Map of a million entries.

/** FNV-1a over the UTF-16 code units; any hash is exact here (entries are compared as strings too). */
function hashOf(text: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(length);
  out.set(array);
  return out;
}

export class FirstUses {
  /** Open addressing, linear probing, at most half full: entry number + 1, or 0 for a free slot. */
  private slots = new Int32Array(256);
  private hashes = new Int32Array(128);
  private firstDocs = new Int32Array(128);
  private readonly values: string[] = [];

  get size(): number {
    return this.values.length;
  }

  /** The document that first used `value`, or -1 if none has. */
  first(value: string): number {
    const entry = this.slots[this.find(value, hashOf(value))] - 1;
    return entry < 0 ? -1 : this.firstDocs[entry];
  }

  has(value: string): boolean {
    return this.first(value) >= 0;
  }

  /** Records that document `docIndex` uses `value`; returns the document that used it first, or -1 if none. */
  claim(value: string, docIndex: number): number {
    const hash = hashOf(value);
    const slot = this.find(value, hash);
    const entry = this.slots[slot] - 1;
    if (entry >= 0) return this.firstDocs[entry];
    const n = this.values.length;
    if (n === this.hashes.length) {
      this.hashes = grown(this.hashes, 2 * n);
      this.firstDocs = grown(this.firstDocs, 2 * n);
    }
    this.values.push(value);
    this.hashes[n] = hash;
    this.firstDocs[n] = docIndex;
    this.slots[slot] = n + 1;
    if (2 * (n + 1) > this.slots.length) this.rehash(2 * this.slots.length);
    return -1;
  }

  /** The slot holding `value`, or the free slot where it belongs. */
  private find(value: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] - 1;
      if (entry < 0 || (this.hashes[entry] === hash && this.values[entry] === value)) return slot;
    }
  }

  private rehash(length: number): void {
    const slots = new Int32Array(length);
    const mask = length - 1;
    for (let entry = 0; entry < this.values.length; entry++) {
      let slot = this.hashes[entry] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}
