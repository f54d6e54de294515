// Exact binary encoding of any document or value for storage: msgpack with every float kept as float64, plus
// the one thing msgpack loses, the sign of -0 (written as integer 0), restored from a list of its paths.
import { Packr } from "msgpackr";

const packr = new Packr({ useRecords: false, moreTypes: false, useFloat32: 0, mapsAsObjects: true });

type Path = Array<string | number>;

function negativeZeroPaths(value: unknown, path: Path, found: Path[]): void {
  if (typeof value === "number") {
    if (value === 0 && 1 / value < 0) found.push([...path]);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      // at(i): an optimized indexed read that met arrays of several kinds would box the caller's arrays of
      // doubles (see columnCodec.ts).
      const item = value.at(i);
      // Skip the common leaves without a call: only numbers and containers can hold -0.
      if (typeof item === "number" ? item === 0 : typeof item === "object" && item !== null) {
        path.push(i);
        negativeZeroPaths(item, path, found);
        path.pop();
      }
    }
  } else if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === "number" ? item === 0 : typeof item === "object" && item !== null) {
        path.push(key);
        negativeZeroPaths(item, path, found);
        path.pop();
      }
    }
  }
}

/** Encodes `value` so that `decodeExact` gives back a deep-equal value (floats bit for bit, -0 included). */
export function encodeExact(value: unknown): Uint8Array {
  const found: Path[] = [];
  negativeZeroPaths(value, [], found);
  // A one-element array is plain; a second element lists where -0 was (packing straight into the wrapper
  // avoids copying the bytes to prefix a flag).
  const bytes = packr.pack(found.length === 0 ? [value] : [value, found]);
  // msgpackr returns a view into its shared 8 kB+ buffer: copy small results so a kept document keeps only
  // its own bytes alive.
  return bytes.byteLength * 2 < bytes.buffer.byteLength ? new Uint8Array(bytes) : bytes;
}

function setNegativeZero(root: unknown, path: Path): unknown {
  if (path.length === 0) return -0;
  let parent = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) parent = parent[path[i]] as Record<string | number, unknown>;
  parent[path[path.length - 1]] = -0;
  return root;
}

export function decodeExact<T = unknown>(bytes: Uint8Array): T {
  const [value, paths] = packr.unpack(bytes) as [unknown, Path[] | undefined];
  if (paths === undefined) return value as T;
  let root = value;
  for (const path of paths) root = setNegativeZero(root, path);
  return root as T;
}
