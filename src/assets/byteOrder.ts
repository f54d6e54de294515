// Byte-order reversal for big-endian data read on a little-endian host (NPY `>` types, HDF5 BE datasets).

/** Reverses the bytes of each `itemSize`-byte element of `bytes`, in place. */
export function swapBytes(bytes: Uint8Array, itemSize: number): void {
  if (itemSize <= 1) return;
  for (let start = 0; start + itemSize <= bytes.length; start += itemSize) {
    for (let i = start, j = start + itemSize - 1; i < j; i++, j--) {
      const t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
  }
}
