// Which dataset of a stream's NXdata is plotted against which: the signal from the descriptors' hints
// (the first hinted detector field), the axes from the start document's hints.dimensions for the stream,
// falling back to the plan's motors, then to `time` (what bluesky itself uses for a plan without motors).
import type { DataKey, EventDescriptor, RunStart } from "../../documents/types.ts";

export interface PlotHints {
  signal: string;
  /** One name per dimension of the signal: the scan axis first, `.` for each axis of a frame. */
  axes: string[];
  /** Every field that is a scan axis (each gets `<name>_indices = 0`). */
  scanAxes: string[];
}

function isNumericKey(dataKey: DataKey | undefined): boolean {
  return dataKey?.dtype === "number" || dataKey?.dtype === "integer" || dataKey?.dtype === "array";
}

/** The fields of `stream` named as its dimensions by start.hints.dimensions, in order. */
function dimensionFields(start: RunStart, stream: string, fields: ReadonlySet<string>): string[] {
  const dimensions = (start.hints as { dimensions?: unknown } | undefined)?.dimensions;
  if (!Array.isArray(dimensions)) return [];
  const found: string[] = [];
  for (const dimension of dimensions) {
    if (!Array.isArray(dimension) || dimension[1] !== stream || !Array.isArray(dimension[0])) continue;
    for (const field of dimension[0])
      if (typeof field === "string" && (fields.has(field) || field === "time") && !found.includes(field))
        found.push(field);
  }
  return found;
}

/** The hinted fields of the descriptors (hints[device].fields), in the order the descriptors give them. */
function hintedFields(descriptors: readonly EventDescriptor[]): string[] {
  const hinted: string[] = [];
  for (const descriptor of descriptors) {
    for (const hint of Object.values((descriptor.hints ?? {}) as Record<string, { fields?: unknown }>)) {
      if (!Array.isArray(hint?.fields)) continue;
      for (const field of hint.fields)
        if (typeof field === "string" && !hinted.includes(field)) hinted.push(field);
    }
  }
  return hinted;
}

/**
 * Signal and axes of one stream. `dataKeys` are the stream's, `rankOf` gives the rank of a field's
 * dataset per event (0 for scalars, 2 for frames).
 */
export function plotHints(
  start: RunStart,
  stream: string,
  descriptors: readonly EventDescriptor[],
  dataKeys: Readonly<Record<string, DataKey>>,
  rankOf: (field: string) => number,
): PlotHints {
  const fields = new Set(Object.keys(dataKeys));
  let scanAxes = dimensionFields(start, stream, fields);
  if (scanAxes.length === 0) {
    const motors = Array.isArray(start.motors) ? start.motors.filter((motor) => fields.has(motor)) : [];
    scanAxes = motors.length > 0 ? motors : ["time"];
  }
  const candidates = [...hintedFields(descriptors), ...Object.keys(dataKeys)].filter(
    (field) => fields.has(field) && !scanAxes.includes(field) && isNumericKey(dataKeys[field]),
  );
  const signal =
    candidates[0] ?? Object.keys(dataKeys).find((field) => !scanAxes.includes(field)) ?? "seq_num";
  const frameAxes = new Array<string>(fields.has(signal) ? rankOf(signal) : 0).fill(".");
  return { signal, axes: [scanAxes[0], ...frameAxes], scanAxes };
}
