// Writes HDF5 files for the tests through h5wasm, creating the groups on each dataset's path.
import h5wasm, { type Group } from "h5wasm/node";
import type { TypedArray } from "../../src/tables/DType.ts";

export interface DatasetSpec {
  data: TypedArray;
  shape: number[];
  chunks?: number[];
}

/** h5wasm's struct-style type codes for the typed arrays the tests write. */
function typeCode(data: TypedArray): string {
  if (data instanceof BigInt64Array) return "<q";
  if (data instanceof Float64Array) return "<d";
  if (data instanceof Float32Array) return "<f";
  if (data instanceof Int32Array) return "<i";
  if (data instanceof Uint16Array) return "<H";
  if (data instanceof Int16Array) return "<h";
  if (data instanceof Uint8Array) return "<B";
  throw new Error(`no h5wasm type for ${data.constructor.name}`);
}

export async function writeHdf5(path: string, datasets: Record<string, DatasetSpec>): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, "w");
  try {
    for (const [name, spec] of Object.entries(datasets)) {
      const parts = name.split("/").filter(Boolean);
      let group: Group = file;
      for (const part of parts.slice(0, -1)) {
        group = (group.keys().includes(part) ? group.get(part) : group.create_group(part)) as Group;
      }
      group.create_dataset({
        name: parts[parts.length - 1],
        data: spec.data,
        shape: spec.shape,
        dtype: typeCode(spec.data),
        chunks: spec.chunks ?? null,
      });
    }
  } finally {
    file.close();
  }
}

/** Deterministic pseudo-random integers in [low, high), like numpy's rng.integers for fixtures. */
export function integers(count: number, low: number, high: number, seed = 12345): number[] {
  let state = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(low + (state % (high - low)));
  }
  return out;
}
