// Per-field statistics computed at ingest (count, min, max, sum over numbers, array elements counted one by
// one; the shape of the values; the range of each event's own sum and mean) and merged page by page into a
// descriptor's totals, then descriptor by descriptor into a stream's, for search into data.

import { emptyFieldStats, type FieldStats } from "../../queries/fieldStats.ts";
import type { EncodedColumn } from "../codec/columnCodec.ts";
import { bytesToFloat64 } from "../codec/float64Bytes.ts";

/** Running totals over numbers, and over each event's sum and mean. */
class Accumulator {
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;
  sumMin = Number.POSITIVE_INFINITY;
  sumMax = Number.NEGATIVE_INFINITY;
  meanMin = Number.POSITIVE_INFINITY;
  meanMax = Number.NEGATIVE_INFINITY;

  /** One event whose numbers (NaN left out) were `count` numbers adding up to `sum`. */
  addEvent(count: number, sum: number): void {
    if (count === 0 || Number.isNaN(sum)) return;
    const mean = sum / count;
    if (sum < this.sumMin) this.sumMin = sum;
    if (sum > this.sumMax) this.sumMax = sum;
    if (mean < this.meanMin) this.meanMin = mean;
    if (mean > this.meanMax) this.meanMax = mean;
  }

  finish(events: number, shape: number[] | null): FieldStats {
    if (this.count === 0) return { ...emptyFieldStats(events, true), shape };
    const reduced = this.sumMin <= this.sumMax;
    return {
      events,
      count: this.count,
      min: this.min,
      max: this.max,
      sum: this.sum,
      shape,
      sumMin: reduced ? this.sumMin : null,
      sumMax: reduced ? this.sumMax : null,
      meanMin: reduced ? this.meanMin : null,
      meanMax: reduced ? this.meanMax : null,
      indexed: true,
    };
  }
}

/** Adds the numbers within one value to `acc`; returns how many there were and their sum. */
function addNumbersWithin(acc: Accumulator, value: unknown, event = { count: 0, sum: 0 }): typeof event {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return event;
    acc.count++;
    acc.sum += value;
    if (value < acc.min) acc.min = value;
    if (value > acc.max) acc.max = value;
    event.count++;
    event.sum += value;
  } else if (Array.isArray(value)) for (const item of value) addNumbersWithin(acc, item, event);
  return event;
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
  const acc = Object.assign(new Accumulator(), { count, sum, min, max });
  if (valueShape.length === 0) {
    // Each event's sum and mean is its value.
    Object.assign(acc, { sumMin: min, sumMax: max, meanMin: min, meanMax: max });
  } else if (events > 0 && numbers.length > 0) {
    const size = numbers.length / events;
    for (let start = 0; start < numbers.length; start += size) {
      let eventCount = 0;
      let eventSum = 0;
      for (let i = start; i < start + size; i++) {
        const value = numbers[i];
        if (Number.isNaN(value)) continue;
        eventCount++;
        eventSum += value;
      }
      acc.addEvent(eventCount, eventSum);
    }
  }
  return acc.finish(events, valueShape);
}

/** Statistics of one column as given: its numbers when it is stored as float64, else its values read one by one. */
export function columnStats(encoded: EncodedColumn, values: readonly unknown[] | Float64Array): FieldStats {
  if (encoded.encoding === "float64")
    return numberStats(bytesToFloat64(encoded.bytes), encoded.shape[0], encoded.shape.slice(1));
  const acc = new Accumulator();
  let shape: number[] | null = values.length > 0 ? shapeOf(values.at(0)) : [];
  for (let i = 0; i < values.length; i++) {
    const row = values.at(i);
    const event = addNumbersWithin(acc, row);
    acc.addEvent(event.count, event.sum);
    if (shape !== null && !sameShape(shapeOf(row), shape)) shape = null;
  }
  return acc.finish(values.length, shape);
}

function pick(a: number | null, b: number | null, choose: (x: number, y: number) => number): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return choose(a, b);
}

/** The statistics of two sets of events together (a set without events leaves the shape to the other). */
export function mergeStats(a: FieldStats, b: FieldStats): FieldStats {
  const shape =
    a.events === 0 ? b.shape : b.events === 0 ? a.shape : sameShape(a.shape, b.shape) ? a.shape : null;
  return {
    events: a.events + b.events,
    count: a.count + b.count,
    min: pick(a.min, b.min, Math.min),
    max: pick(a.max, b.max, Math.max),
    sum: pick(a.sum, b.sum, (x, y) => x + y),
    shape,
    sumMin: pick(a.sumMin, b.sumMin, Math.min),
    sumMax: pick(a.sumMax, b.sumMax, Math.max),
    meanMin: pick(a.meanMin, b.meanMin, Math.min),
    meanMax: pick(a.meanMax, b.meanMax, Math.max),
    indexed: a.indexed && b.indexed,
  };
}

/** Folds `more` into `into` key by key (a field new to `into` is taken as is). */
export function mergeStatsInto(into: Record<string, FieldStats>, more: Record<string, FieldStats>): void {
  for (const key in more) into[key] = key in into ? mergeStats(into[key], more[key]) : more[key];
}
