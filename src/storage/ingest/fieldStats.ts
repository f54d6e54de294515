// Per-field statistics computed at ingest (count, min, max, sum over numbers, array elements counted one by
// one; the shape of the values) and merged page by page into a descriptor's totals, for later search into data.
import type { EncodedColumn } from "../codec/columnCodec.ts";
import { bytesToFloat64 } from "../codec/float64Bytes.ts";
import type { FieldStats } from "../FieldStats.ts";

interface Accumulator {
  count: number;
  min: number;
  max: number;
  sum: number;
}

function addNumber(acc: Accumulator, value: number): void {
  if (Number.isNaN(value)) return;
  acc.count++;
  acc.sum += value;
  if (value < acc.min) acc.min = value;
  if (value > acc.max) acc.max = value;
}

function addNumbersWithin(acc: Accumulator, value: unknown): void {
  if (typeof value === "number") addNumber(acc, value);
  else if (Array.isArray(value)) for (const item of value) addNumbersWithin(acc, item);
}

/** The shape of one value: `[]` for a scalar, the extents of a rectangular nested array, null otherwise. */
function shapeOf(value: unknown): number[] | null {
  if (!Array.isArray(value)) return typeof value === "object" && value !== null ? null : [];
  if (value.length === 0) return [0];
  // at(): indexed reads here would box the caller's arrays of doubles (see codec/columnCodec.ts).
  const inner = shapeOf(value.at(0));
  if (inner === null) return null;
  for (let i = 1; i < value.length; i++) if (!sameShape(shapeOf(value.at(i)), inner)) return null;
  return [value.length, ...inner];
}

function sameShape(a: number[] | null, b: number[] | null): boolean {
  if (a === null || b === null) return false;
  return a.length === b.length && a.every((extent, i) => extent === b[i]);
}

function finish(events: number, acc: Accumulator, shape: number[] | null): FieldStats {
  const empty = acc.count === 0;
  return {
    events,
    count: acc.count,
    min: empty ? null : acc.min,
    max: empty ? null : acc.max,
    sum: empty ? null : acc.sum,
    shape,
  };
}

function emptyAccumulator(): Accumulator {
  return { count: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, sum: 0 };
}

/** Statistics of a column of `numbers`, each value `valueShape` numbers long (`[]`: scalars). */
export function numberStats(numbers: Float64Array, events: number, valueShape: number[]): FieldStats {
  // Locals, not an Accumulator: this loop runs over every number of every page.
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < numbers.length; i++) {
    const value = numbers[i];
    if (Number.isNaN(value)) continue;
    count++;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return finish(events, { count, min, max, sum }, valueShape);
}

/** Statistics of one column as given: its numbers when it is stored as float64, else its values read one by one. */
export function columnStats(encoded: EncodedColumn, values: readonly unknown[] | Float64Array): FieldStats {
  if (encoded.encoding === "float64")
    return numberStats(bytesToFloat64(encoded.bytes), encoded.shape[0], encoded.shape.slice(1));
  const acc = emptyAccumulator();
  let shape: number[] | null = values.length > 0 ? shapeOf(values.at(0)) : [];
  for (let i = 0; i < values.length; i++) {
    const row = values.at(i);
    addNumbersWithin(acc, row);
    if (shape !== null && !sameShape(shapeOf(row), shape)) shape = null;
  }
  return finish(values.length, acc, shape);
}

function pick(a: number | null, b: number | null, choose: (x: number, y: number) => number): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return choose(a, b);
}

/** The statistics of two sets of events together. */
export function mergeStats(a: FieldStats, b: FieldStats): FieldStats {
  return {
    events: a.events + b.events,
    count: a.count + b.count,
    min: pick(a.min, b.min, Math.min),
    max: pick(a.max, b.max, Math.max),
    sum: pick(a.sum, b.sum, (x, y) => x + y),
    shape: sameShape(a.shape, b.shape) ? a.shape : null,
  };
}

/** Folds `more` into `into` key by key (a field new to `into` is taken as is). */
export function mergeStatsInto(into: Record<string, FieldStats>, more: Record<string, FieldStats>): void {
  for (const key in more) into[key] = key in into ? mergeStats(into[key], more[key]) : more[key];
}
