// A document (start, stop, a device's configuration) as nested NXcollection groups: dicts become groups,
// scalars and regular lists of numbers or strings become datasets, anything else a JSON string (attr json=1).
import type { Group } from "h5wasm/node";
import { hdf5Name } from "./nexusPath.ts";

type Written = {
  data: number[] | string[] | number | string | BigInt64Array | Uint8Array;
  dtype: string;
  shape?: number[];
};

/** Writes `document` into a new NXcollection `name` under `parent`. */
export function writeCollection(parent: Group, name: string, document: Record<string, unknown>): Group {
  const group = parent.create_group(hdf5Name(name));
  group.create_attribute("NX_class", "NXcollection");
  const taken = new Set<string>();
  for (const [key, value] of Object.entries(document)) {
    if (value === undefined) continue;
    let child = hdf5Name(key);
    while (taken.has(child)) child = `${child}_`; // two keys that differ only by `/` stay apart
    taken.add(child);
    if (isPlainObject(value)) writeCollection(group, child, value);
    else writeValue(group, child, value);
  }
  return group;
}

/** One value as a dataset: numbers and strings as themselves, lists as arrays, else JSON. */
export function writeValue(group: Group, name: string, value: unknown): void {
  const plain = plainDataset(value);
  if (plain) {
    group.create_dataset({ name, ...plain });
    return;
  }
  const dataset = group.create_dataset({ name, data: JSON.stringify(value) ?? "null", dtype: "S" });
  dataset.create_attribute("json", 1);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** The dataset of a scalar or a regular list of numbers (int64 when all whole, else float64) or strings. */
function plainDataset(value: unknown): Written | undefined {
  if (typeof value === "string") return { data: value, dtype: "S" };
  if (typeof value === "boolean") return { data: new Uint8Array([value ? 1 : 0]), dtype: "<B", shape: [] };
  if (typeof value === "number") return numbers([value], []);
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    if (level.length === 0) return undefined;
    shape.push(level.length);
  }
  const leaves = value.flat(shape.length - 1) as unknown[];
  if (leaves.length !== shape.reduce((product, n) => product * n, 1)) return undefined; // ragged
  if (leaves.every((leaf) => typeof leaf === "string"))
    return { data: leaves as string[], dtype: "S", shape };
  if (leaves.every((leaf) => typeof leaf === "number")) return numbers(leaves as number[], shape);
  return undefined;
}

function numbers(values: number[], shape: number[]): Written {
  if (values.every((n) => Number.isSafeInteger(n)))
    return { data: BigInt64Array.from(values, (n) => BigInt(n)), dtype: "<q", shape };
  return { data: values, dtype: "<d", shape };
}
