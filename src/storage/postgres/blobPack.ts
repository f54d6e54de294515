// Many blobs sent as one bytea parameter with their offsets and lengths, cut apart in SQL with substring():
// pg sends a Buffer parameter as raw bytes but an array of them as hex text (twice the size, and parsed), so
// a batch's blobs travel together and every row of a bulk INSERT takes its slice.

export class BlobPack {
  private readonly parts: Uint8Array[] = [];
  /** 1-based, as SQL's substring counts. */
  readonly offsets: number[] = [];
  readonly lengths: number[] = [];
  size = 0;

  /** One entry: these bytes (several parts lie back to back as one entry). */
  add(...parts: Uint8Array[]): void {
    this.offsets.push(this.size + 1);
    let length = 0;
    for (const bytes of parts) {
      this.parts.push(bytes);
      length += bytes.byteLength;
    }
    this.lengths.push(length);
    this.size += length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}
