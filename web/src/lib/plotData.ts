// What the plot shows by default, as bluesky's live plots choose it: x is the scan's first hinted dimension
// (else time), y the fields the descriptors hint but the dimensions (else the first other numbers); and the columns of
// several runs put on one ascending x (each run's points sorted by x, then merged; gaps where a run has no
// point at an x).
import { readArray } from "./arrays.ts";
import type { LiveEvent } from "./liveEvents.ts";
import { isScalar, type LoadedRun, type StreamInfo } from "./runData.ts";

function dimensionsOf(run: LoadedRun): Array<[string[], string]> {
  return (
    (run.metadata.start.hints as { dimensions?: Array<[string[], string]> } | undefined)?.dimensions ?? []
  );
}

export function defaultX(run: LoadedRun, stream: StreamInfo): string {
  const names = new Set(stream.fields.filter(isScalar).map((f) => f.name));
  for (const [fields, streamName] of dimensionsOf(run))
    if (streamName === stream.name && fields.length > 0 && names.has(fields[0])) return fields[0];
  return "time";
}

/** The hinted fields that are not dimensions (the motors scanned are never plotted against themselves). */
export function defaultY(run: LoadedRun, stream: StreamInfo, x: string): string[] {
  const scalar = stream.fields.filter(isScalar).map((f) => f.name);
  const dimensions = new Set(dimensionsOf(run).flatMap(([fields]) => fields));
  const hinted = stream.descriptors.flatMap((d) =>
    Object.values(d.hints ?? {}).flatMap((h) => h.fields ?? []),
  );
  const chosen = [...new Set(hinted)].filter(
    (name) => name !== x && !dimensions.has(name) && scalar.includes(name),
  );
  if (chosen.length > 0) return chosen;
  return scalar.filter((name) => name !== x && name !== "time" && !dimensions.has(name)).slice(0, 4);
}

export interface RunColumns {
  label: string;
  /** The field x holds (`time`: the events' times). */
  xField: string;
  x: Float64Array;
  ys: Array<{ field: string; values: Float64Array }>;
}

/** One run's x and y columns read from its stream (fields it lacks are left out). */
export async function readColumns(
  run: LoadedRun,
  streamName: string,
  x: string,
  ys: string[],
  signal: AbortSignal,
): Promise<RunColumns> {
  const stream = run.streams.find((s) => s.name === streamName);
  const label =
    run.metadata.start.scan_id !== undefined ? `scan ${run.metadata.start.scan_id}` : run.uid.slice(0, 8);
  if (!stream) throw new Error(`${label} has no stream ${streamName}`);
  const read = async (name: string) => {
    const field = stream.fields.find((f) => f.name === name);
    if (!field) return undefined;
    return (await readArray([run.uid, streamName, "data", name], field.dataType, field.shape, { signal }))
      .values;
  };
  // Every column at once: the server reads them in parallel as the browser receives them.
  const [xValues, ...yValues] = await Promise.all([x, ...ys].map(read));
  if (!xValues) throw new Error(`${label} has no field ${x} in ${streamName}`);
  const columns = ys.map((field, i) => ({ field, values: yValues[i] }));
  return {
    label,
    xField: x,
    x: xValues,
    ys: columns.filter((y): y is { field: string; values: Float64Array } => y.values !== undefined),
  };
}

/**
 * The columns with the events received live since they were read appended: those numbered beyond the rows
 * read (an event's seq_num is its row), so an event both read and received is drawn once. Columns read while
 * an event was being stored may differ in length: only the rows all of them hold are kept. A field an event
 * lacks is a gap.
 */
export function withLiveEvents(columns: RunColumns, events: readonly LiveEvent[]): RunColumns {
  const read = Math.min(columns.x.length, ...columns.ys.map((y) => y.values.length));
  const fresh = events.filter((event) => event.seq > read);
  if (fresh.length === 0 && columns.ys.every((y) => y.values.length === read) && columns.x.length === read)
    return columns;
  const cellOf = (event: LiveEvent, field: string) =>
    field === "time" && !(field in event.values) ? event.time : (event.values[field] ?? Number.NaN);
  const extend = (values: Float64Array, field: string) => {
    const extended = new Float64Array(read + fresh.length);
    extended.set(values.subarray(0, read));
    fresh.forEach((event, i) => {
      extended[read + i] = cellOf(event, field);
    });
    return extended;
  };
  return {
    ...columns,
    x: extend(columns.x, columns.xField),
    ys: columns.ys.map((y) => ({ field: y.field, values: extend(y.values, y.field) })),
  };
}

function isAscending(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i] >= values[i - 1])) return false;
  return true;
}

/**
 * Puts runs' columns on one ascending x: every point of every run is one row, ordered by x, and each y series
 * holds its own run's value in its rows and null (a gap, spanned when drawn) in the others'.
 */
export function mergeOnX(runs: RunColumns[]): {
  x: Float64Array;
  series: Array<{ label: string; values: ArrayLike<number | null> }>;
} {
  const labelOf = (run: RunColumns, field: string) => (runs.length > 1 ? `${run.label}: ${field}` : field);
  if (runs.length === 1 && isAscending(runs[0].x))
    return {
      x: runs[0].x,
      series: runs[0].ys.map((y) => ({ label: labelOf(runs[0], y.field), values: y.values })),
    };
  const rows: Array<[x: number, run: number, index: number]> = [];
  runs.forEach((run, r) => {
    for (let i = 0; i < run.x.length; i++) if (!Number.isNaN(run.x[i])) rows.push([run.x[i], r, i]);
  });
  rows.sort((a, b) => a[0] - b[0]);
  const x = Float64Array.from(rows, (row) => row[0]);
  const series = runs.flatMap((run, r) =>
    run.ys.map((y) => ({
      label: labelOf(run, y.field),
      values: rows.map(([, owner, index]) => (owner === r ? y.values[index] : null)),
    })),
  );
  return { x, series };
}
