// bin / resample: rows grouped into bins of one field (time: a regular grid; a motor: N equal bins or given
// edges) or of two fields (a 2-D grid, for grid scans), each other field reduced per bin: mean, sum, min,
// max, count, first or last — pandas' groupby of pd.cut(..., right=False) codes, observed=False.
//   Bins are [e_k, e_k+1). `every: s` puts edges at k*s (epoch-aligned, pandas' origin="epoch"), from the
//   bin holding the smallest value to the one holding the largest. `bins: N` puts N+1 edges as
//   numpy.linspace(min, max) does and closes the last bin on the right, so the largest value counts.
//   `edges` are taken as given; values outside them (and NaN) fall in no bin.
// Every bin is a row, empty or not, in order (2-D: the first axis outer). A bin's left edge names it.
// Reductions skip missing values (NaN, null). mean: float64, summed with Kahan compensation as pandas does;
// sum: float64 for floats, int64 for integers, 0 when empty; count: int64; min, max (numbers only), first
// and last keep the field's dtype unless a bin is empty, which brings the gap promotion of missing.ts.
// Tables are added chunk by chunk (Binner.add): memory holds the bins, not the rows.
import { ValidationError } from "../errors.ts";
import { type Column, cellValue, columnDType, columnLength } from "../tables/Column.ts";
import { isNumeric, isTypedArray } from "../tables/DType.ts";
import { isNDArray } from "../tables/NDArray.ts";
import { Table } from "../tables/Table.ts";
import { asFloat64, columnFromCells, hasValue } from "./missing.ts";

/** The most bins one binning makes (both axes together): enough for any grid, bounded memory for a server. */
export const MAX_BINS = 1_000_000;

export const AGGREGATES = ["mean", "sum", "min", "max", "count", "first", "last"] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** One binned field: a regular grid (`every`), N equal bins over its range (`bins`), or given `edges`. */
export type BinAxis =
  | { field: string; every: number }
  | { field: string; bins: number }
  | { field: string; edges: readonly number[] };

export interface BinOptions {
  /** For every field without its own (default mean). */
  agg?: Aggregate;
  aggs?: Readonly<Record<string, Aggregate>>;
  /** Fields to reduce (default: every column the aggregate applies to but the binned ones and seq_num). */
  fields?: readonly string[];
}

/** Edges of an axis, and whether its last bin also holds the last edge. */
export interface ResolvedAxis {
  field: string;
  edges: Float64Array;
  closedLast: boolean;
}

export function isAggregate(text: unknown): text is Aggregate {
  return typeof text === "string" && (AGGREGATES as readonly string[]).includes(text);
}

/** The range [min, max] of the non-NaN values of `field` over tables; undefined when there are none. */
export function rangeOf(values: ArrayLike<number>, range?: [number, number]): [number, number] | undefined {
  let [low, high] = range ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return low <= high ? [low, high] : undefined;
}

/** The edges of `axis` for values spanning `range` (unused for given edges). */
export function resolveAxis(axis: BinAxis, range: [number, number] | undefined): ResolvedAxis {
  const { field } = axis;
  if ("edges" in axis) {
    const edges = Float64Array.from(axis.edges);
    if (edges.length < 2 || edges.some((edge, i) => Number.isNaN(edge) || (i > 0 && edge <= edges[i - 1])))
      throw new ValidationError(`edges of ${field} must be 2 or more increasing numbers`);
    return { field, edges, closedLast: false };
  }
  if ("every" in axis) {
    const step = axis.every;
    if (!(typeof step === "number" && Number.isFinite(step) && step > 0))
      throw new ValidationError(
        `every (the bin width of ${field}) must be a number above 0, got ${String(step)}`,
      );
    if (!range) return { field, edges: new Float64Array(0), closedLast: false };
    const first = gridIndex(range[0], step);
    const last = gridIndex(range[1], step);
    if (last - first >= MAX_BINS)
      throw new ValidationError(
        `every ${step} makes ${last - first + 1} bins of ${field}: at most ${MAX_BINS}`,
      );
    const edges = new Float64Array(last - first + 2);
    for (let k = 0; k < edges.length; k++) edges[k] = (first + k) * step;
    return { field, edges, closedLast: false };
  }
  const count = axis.bins;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_BINS))
    throw new ValidationError(
      `bins (of ${field}) must be a whole number from 1 to ${MAX_BINS}, got ${String(count)}`,
    );
  if (!range) return { field, edges: new Float64Array(0), closedLast: true };
  // numpy.linspace: start + i * step, the last edge exactly the stop.
  const [low, high] = range;
  const edges = new Float64Array(count + 1);
  const step = (high - low) / count;
  for (let i = 0; i < count; i++) edges[i] = i * step + low;
  edges[count] = high;
  return { field, edges, closedLast: true };
}

/** The k whose bin [k*step, (k+1)*step) holds `value`, with the products compared as the edges are made. */
function gridIndex(value: number, step: number): number {
  let k = Math.floor(value / step);
  while (k * step > value) k--;
  while ((k + 1) * step <= value) k++;
  return k;
}

/** Bin of each value on one axis (-1: none). */
function codesOf(values: Float64Array, axis: ResolvedAxis): Int32Array {
  const { edges, closedLast } = axis;
  const bins = edges.length - 1;
  const out = new Int32Array(values.length);
  let guess = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= edges[0] && v <= edges[bins])) {
      out[i] = -1;
      continue;
    }
    if (v === edges[bins]) {
      out[i] = closedLast ? bins - 1 : -1;
      continue;
    }
    // Sorted input (times) moves the guess by a step or none; anything else: a binary search.
    if (!(edges[guess] <= v && v < edges[guess + 1])) {
      if (guess + 2 <= bins && edges[guess + 1] <= v && v < edges[guess + 2]) guess++;
      else {
        let low = 0;
        let high = bins;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (edges[middle] <= v) low = middle + 1;
          else high = middle;
        }
        guess = low - 1;
      }
    }
    out[i] = guess;
  }
  return out;
}

/** One field's running reduction over every bin. */
interface Reduction {
  field: string;
  agg: Aggregate;
  /** The first chunk's column: the dtype and storage results follow. */
  template: Column;
  nobs: Float64Array;
  sum?: Float64Array;
  compensation?: Float64Array;
  /** min/max: the best value so far as a number, and the cell itself (bigint stays bigint). */
  best?: Float64Array;
  cells?: unknown[];
}

const NEEDS_NUMBERS: ReadonlySet<Aggregate> = new Set(["mean", "sum", "min", "max"]);

function isNumber(column: Column): boolean {
  return !isNDArray(column) && isNumeric(columnDType(column));
}

/** Bins of the axes, fed table by table, read once at the end. */
export class Binner {
  private readonly bins: number;
  private reductions?: Reduction[];

  constructor(
    readonly axes: readonly ResolvedAxis[],
    private readonly options: BinOptions = {},
  ) {
    if (axes.length < 1 || axes.length > 2) throw new ValidationError("bin by one field or two (a 2-D grid)");
    this.bins = axes.reduce((n, axis) => n * Math.max(0, axis.edges.length - 1), 1);
    if (this.bins > MAX_BINS)
      throw new ValidationError(
        `${this.bins} bins (${axes.map((axis) => axis.field).join(" by ")}): at most ${MAX_BINS}`,
      );
    const agg = options.agg ?? "mean";
    if (!isAggregate(agg))
      throw new ValidationError(`agg must be one of ${AGGREGATES.join(", ")}, got ${JSON.stringify(agg)}`);
    for (const [field, each] of Object.entries(options.aggs ?? {}))
      if (!isAggregate(each))
        throw new ValidationError(
          `agg of ${field} must be one of ${AGGREGATES.join(", ")}, got ${JSON.stringify(each)}`,
        );
  }

  private prepare(table: Table): Reduction[] {
    const binned = new Set(this.axes.map((axis) => axis.field));
    const aggOf = (field: string) => this.options.aggs?.[field] ?? this.options.agg ?? "mean";
    const applies = (field: string) => isNumber(table.column(field)) || !NEEDS_NUMBERS.has(aggOf(field));
    // Named fields must suit their aggregate; by default, the columns the aggregate applies to.
    const fields =
      this.options.fields ??
      table.columnNames.filter((name) => !binned.has(name) && name !== "seq_num" && applies(name));
    return fields.map((field) => {
      const template = table.column(field);
      const agg = aggOf(field);
      if (!applies(field))
        throw new ValidationError(
          `agg ${agg} needs numbers: ${field} is ${columnDType(template)}${isNDArray(template) ? " arrays" : ""}`,
        );
      const n = this.bins;
      const reduction: Reduction = { field, agg, template, nobs: new Float64Array(n) };
      if (agg === "mean" || agg === "sum") {
        reduction.sum = new Float64Array(n);
        reduction.compensation = new Float64Array(n);
      }
      if (agg === "min" || agg === "max") reduction.best = new Float64Array(n);
      if (agg !== "mean" && agg !== "sum" && agg !== "count")
        reduction.cells = new Array<unknown>(n).fill(null);
      return reduction;
    });
  }

  /** Adds the rows of one table (or chunk). */
  add(table: Table): void {
    this.reductions ??= this.prepare(table);
    if (table.length === 0 || this.bins === 0) return;
    const codes = this.codes(table);
    for (const reduction of this.reductions) this.reduce(reduction, table.column(reduction.field), codes);
  }

  private codes(table: Table): Int32Array {
    const [first, second] = this.axes;
    const codes = codesOf(asFloat64(table.column(first.field)), first);
    if (!second) return codes;
    const inner = codesOf(asFloat64(table.column(second.field)), second);
    const width = second.edges.length - 1;
    for (let i = 0; i < codes.length; i++)
      codes[i] = codes[i] < 0 || inner[i] < 0 ? -1 : codes[i] * width + inner[i];
    return codes;
  }

  private reduce(reduction: Reduction, column: Column, codes: Int32Array): void {
    const { agg, nobs } = reduction;
    if (agg === "mean" || agg === "sum") {
      const values = asFloat64(column);
      const sum = reduction.sum!;
      const compensation = reduction.compensation!;
      // Kahan summation, step for step as pandas' group_sum and group_mean; the current bin's state is
      // held in locals while rows stay in it (sorted times: long runs), and written back when the bin changes.
      let current = -1;
      let s = 0;
      let c = 0;
      let n = 0;
      for (let i = 0; i < codes.length; i++) {
        const bin = codes[i];
        const value = values[i];
        if (bin < 0 || Number.isNaN(value)) continue;
        if (bin !== current) {
          if (current >= 0) {
            sum[current] = s;
            compensation[current] = c;
            nobs[current] = n;
          }
          current = bin;
          s = sum[bin];
          c = compensation[bin];
          n = nobs[bin];
        }
        n++;
        const y = value - c;
        const t = s + y;
        c = t - s - y;
        s = t;
      }
      if (current >= 0) {
        sum[current] = s;
        compensation[current] = c;
        nobs[current] = n;
      }
      return;
    }
    if (agg === "min" || agg === "max") {
      const values = asFloat64(column);
      const best = reduction.best!;
      const cells = reduction.cells!;
      for (let i = 0; i < codes.length; i++) {
        const bin = codes[i];
        const value = values[i];
        if (bin < 0 || Number.isNaN(value)) continue;
        if (nobs[bin] === 0 || (agg === "min" ? value < best[bin] : value > best[bin])) {
          best[bin] = value;
          cells[bin] = (column as ArrayLike<unknown>)[i];
        }
        nobs[bin]++;
      }
      return;
    }
    const cells = reduction.cells;
    for (let i = 0; i < codes.length; i++) {
      const bin = codes[i];
      if (bin < 0 || !hasValue(column, i)) continue;
      if (cells && (agg === "last" || nobs[bin] === 0))
        cells[bin] = isNDArray(column) ? cellValue(column, i) : column[i];
      nobs[bin]++;
    }
  }

  /** One row per bin: the axes' left edges, then each field's reduction. */
  result(): Table {
    const n = this.bins;
    const columns: Record<string, Column> = {};
    const [first, second] = this.axes;
    const width = second ? second.edges.length - 1 : 1;
    columns[first.field] = Float64Array.from({ length: n }, (_, bin) => first.edges[Math.floor(bin / width)]);
    if (second)
      columns[second.field] = Float64Array.from({ length: n }, (_, bin) => second.edges[bin % width]);
    for (const reduction of this.reductions ?? []) {
      if (Object.hasOwn(columns, reduction.field)) continue;
      columns[reduction.field] = this.output(reduction);
    }
    return new Table(columns, n);
  }

  private output(reduction: Reduction): Column {
    const { agg, nobs, template } = reduction;
    if (agg === "count") return BigInt64Array.from(nobs, (count) => BigInt(count));
    if (agg === "mean")
      return reduction.sum!.map((sum, bin) => (nobs[bin] === 0 ? Number.NaN : sum / nobs[bin]));
    if (agg === "sum") {
      const integers =
        isTypedArray(template) && !(template instanceof Float64Array || template instanceof Float32Array);
      return integers ? BigInt64Array.from(reduction.sum!, (sum) => BigInt(sum)) : reduction.sum!;
    }
    const present = Uint8Array.from(nobs, (count) => (count > 0 ? 1 : 0));
    return columnFromCells(template, reduction.cells!, present);
  }
}

function axesOf(axes: BinAxis | readonly BinAxis[]): BinAxis[] {
  return Array.isArray(axes) ? [...axes] : [axes as BinAxis];
}

/** `table` binned on one or two axes (see the module comment). */
export function bin(table: Table, axes: BinAxis | readonly BinAxis[], options: BinOptions = {}): Table {
  const resolved = axesOf(axes).map((axis) =>
    resolveAxis(axis, "edges" in axis ? undefined : rangeOf(asFloat64(table.column(axis.field)))),
  );
  const binner = new Binner(resolved, options);
  binner.add(table);
  return binner.result();
}

/** `table` on a regular time grid of `every` seconds (pandas' resample with origin="epoch", label left). */
export function resample(table: Table, every: number, options: BinOptions & { on?: string } = {}): Table {
  return bin(table, { field: options.on ?? "time", every }, options);
}

/**
 * bin over tables read in chunks: `chunks()` is read once when every axis has edges, else twice (first for
 * the ranges). Memory holds one chunk and the bins.
 */
export async function binChunks(
  chunks: () => AsyncIterable<Table>,
  axes: BinAxis | readonly BinAxis[],
  options: BinOptions = {},
): Promise<Table> {
  const list = axesOf(axes);
  const ranges = new Map<string, [number, number] | undefined>();
  if (list.some((axis) => !("edges" in axis)))
    for await (const chunk of chunks())
      for (const axis of list)
        if (!("edges" in axis) && columnLength(chunk.column(axis.field)) > 0)
          ranges.set(axis.field, rangeOf(asFloat64(chunk.column(axis.field)), ranges.get(axis.field)));
  const binner = new Binner(
    list.map((axis) => resolveAxis(axis, ranges.get(axis.field))),
    options,
  );
  for await (const chunk of chunks()) binner.add(chunk);
  return binner.result();
}
