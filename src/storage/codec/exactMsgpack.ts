// Exact binary encoding of any document or value for storage: msgpack with every float kept as float64, plus
// what msgpackr loses, restored from lists of paths: the sign of -0 (written as integer 0), and which whole
// numbers were floats (floatMarks.ts: written as integers, decoded as plain numbers).
import { Packr } from "msgpackr";
import { type FloatPath, floatKeysOf, restoreFloatPaths } from "../../documents/floatMarks.ts";

const packr = new Packr({ useRecords: false, moreTypes: false, useFloat32: 0, mapsAsObjects: true });

type Path = Array<string | number>;

/** Walks `value` for the paths of its -0s (into `found`) and of its float marks (into `floats`). */
function pathsToRestore(value: unknown, path: Path, found: Path[], floats: FloatPath[]): void {
  if (typeof value === "number") {
    if (value === 0 && 1 / value < 0) found.push([...path]);
    return;
  }
  if (typeof value === "object" && value !== null) {
    const keys = floatKeysOf(value);
    if (keys !== undefined) for (const key of keys) floats.push([...path, key]);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      // at(i): an optimized indexed read that met arrays of several kinds would box the caller's arrays of
      // doubles (see columnCodec.ts).
      const item = value.at(i);
      // Skip the common leaves without a call: only numbers and containers can hold -0.
      if (typeof item === "number" ? item === 0 : typeof item === "object" && item !== null) {
        path.push(i);
        pathsToRestore(item, path, found, floats);
        path.pop();
      }
    }
  } else if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === "number" ? item === 0 : typeof item === "object" && item !== null) {
        path.push(key);
        pathsToRestore(item, path, found, floats);
        path.pop();
      }
    }
  }
}

/** Encodes `value` so that `decodeExact` gives back a deep-equal value (floats bit for bit, -0 included). */
export function encodeExact(value: unknown): Uint8Array {
  const found: Path[] = [];
  const floats: FloatPath[] = [];
  pathsToRestore(value, [], found, floats);
  // A one-element array is plain; a second element lists where -0 was, a third the float marks (packing
  // straight into the wrapper avoids copying the bytes to prefix a flag).
  const bytes = packr.pack(
    floats.length > 0 ? [value, found, floats] : found.length > 0 ? [value, found] : [value],
  );
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
  const [value, paths, floats] = packr.unpack(bytes) as [
    unknown,
    Path[] | undefined,
    FloatPath[] | undefined,
  ];
  if (paths === undefined) return value as T;
  let root = value;
  for (const path of paths) root = setNegativeZero(root, path);
  if (floats !== undefined) restoreFloatPaths(root, floats);
  return root as T;
}
