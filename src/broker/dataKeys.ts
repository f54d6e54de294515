// The data keys of a stream, merged across its descriptors, and what kind of value each key holds: inline
// data, a datum id to resolve through a Resource, or rows that only StreamDatums point at (`external: STREAM:`).
import type { DataKey, EventDescriptor } from "../documents/types.ts";

/** Where a field's values live. */
export type FieldSource = "inline" | "resource" | "stream";

/** A key's source: `STREAM:` keys are never in events; any other `external` key holds datum ids. */
export function fieldSource(dataKey: DataKey): FieldSource {
  const external = dataKey.external;
  if (typeof external !== "string" || external === "") return "inline";
  return external.startsWith("STREAM") ? "stream" : "resource";
}

/**
 * The data keys of several descriptors of one stream, in first-seen order. Descriptors of a stream should
 * agree; where they do not, the first descriptor's description of a key is kept.
 */
export function mergeDataKeys(descriptors: readonly EventDescriptor[]): Record<string, DataKey> {
  const merged: Record<string, DataKey> = {};
  for (const descriptor of descriptors) {
    for (const [key, dataKey] of Object.entries(descriptor.data_keys ?? {})) {
      if (!Object.hasOwn(merged, key)) merged[key] = dataKey;
    }
  }
  return merged;
}

/** The shape of one value as declared, unknown lengths (null) read as 0. */
export function declaredShape(dataKey: DataKey): number[] {
  return (dataKey.shape ?? []).map((n) => (typeof n === "number" && n >= 0 ? n : 0));
}
