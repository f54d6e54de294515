// Float64 numbers <-> little-endian bytes, the on-disk form of numeric columns. On a little-endian host (every
// platform Node ships for today) both directions are views or one memcpy; a big-endian host swaps bytes.
import { endianness } from "node:os";

const hostIsLittleEndian = endianness() === "LE";

function swapped(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 8) for (let j = 0; j < 8; j++) out[i + j] = bytes[i + 7 - j];
  return out;
}

/** The little-endian bytes of `values` (a view of the same memory on little-endian hosts). */
export function float64ToBytes(values: Float64Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return hostIsLittleEndian ? bytes : swapped(bytes);
}

/** Little-endian bytes -> Float64Array: a view when the bytes are 8-byte aligned, otherwise one copy. */
export function bytesToFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.length % 8 !== 0)
    throw new RangeError(`float64 column of ${bytes.length} bytes is not a multiple of 8`);
  const aligned =
    hostIsLittleEndian && bytes.byteOffset % 8 === 0
      ? bytes
      : hostIsLittleEndian
        ? new Uint8Array(bytes)
        : swapped(bytes);
  return new Float64Array(aligned.buffer, aligned.byteOffset, aligned.length / 8);
}
