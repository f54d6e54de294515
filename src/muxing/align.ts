// align: another stream's fields (a slow baseline, an asynchronous monitor) brought onto one stream's rows
// by time, as pandas' merge_asof does. Per field, the reading taken is
//   previous — the last reading at or before the row's time (merge_asof direction="backward"),
//   next     — the first reading at or after it ("forward"),
//   nearest  — the closer of those two, the earlier on a tie in distance ("nearest"),
//   linear   — numpy.interp between the two (an exact time takes that reading; outside the readings: a gap).
// Equal times in the other stream: previous takes the last of them, next the first (as merge_asof does).
// Only a field's real readings count: a NaN or absent value is skipped, so a gap in one field does not hide
// the reading before it (merge_asof after dropna of that field). `tolerance` (seconds, inclusive) turns a
// reading farther than that into a gap; for linear, both neighbours must lie within it (and `exactMatches`,
// merge_asof's allow_exact_matches, applies to previous, next and nearest only).
// Linear gives float64; it applies to number fields, and a default `linear` takes `previous` for the rest.
// The primary may be in any order and is kept in its order; each chunk of it is aligned on its own, so a
// huge primary is aligned chunk by chunk against a small other stream held whole (alignChunks).
import { ValidationError } from "../errors.ts";
import { type Column, columnDType } from "../tables/Column.ts";
import { isNumeric } from "../tables/DType.ts";
import { isNDArray } from "../tables/NDArray.ts";
import { Table } from "../tables/Table.ts";
import { asFloat64, hasNoGaps, hasValue, takeRows } from "./missing.ts";
import { SortedKeys } from "./sortedTimes.ts";

export const ALIGN_METHODS = ["previous", "next", "nearest", "linear"] as const;
export type AlignMethod = (typeof ALIGN_METHODS)[number];

export interface AlignOptions {
  /** For every field without a method of its own (default previous). */
  method?: AlignMethod;
  /** A method per field of the other table. */
  methods?: Readonly<Record<string, AlignMethod>>;
  /** Largest distance in time (seconds) a reading may lie from the row; beyond it, a gap. */
  tolerance?: number;
  /** Whether a reading at exactly the row's time matches (default true; merge_asof's allow_exact_matches). */
  exactMatches?: boolean;
  /** Output names are `${prefix}.${field}` (default "other"; the CLI and HTTP pass the stream's name). */
  prefix?: string;
  /** The other table's fields to bring (default: all but seq_num and the time column). */
  fields?: readonly string[];
  /** The column holding times in both tables (default "time"). */
  on?: string;
}

const NOT_FIELDS = new Set(["seq_num"]);

export function isAlignMethod(text: unknown): text is AlignMethod {
  return typeof text === "string" && (ALIGN_METHODS as readonly string[]).includes(text);
}

/**
 * Methods written as text, as the CLI and HTTP take them: `nearest`, or a default and per-field choices,
 * `nearest,temperature=linear,shutter=previous`. A bad item is an error naming it and the rule.
 */
export function parseMethods(text: string): Pick<AlignOptions, "method" | "methods"> {
  const rule = `use ${ALIGN_METHODS.join(", ")}, or field=method items separated by commas`;
  const parsed: { method?: AlignMethod; methods: Record<string, AlignMethod> } = { methods: {} };
  for (const item of text.split(",").map((part) => part.trim())) {
    const [field, method] = item.includes("=")
      ? item.split("=", 2).map((part) => part.trim())
      : [undefined, item];
    if (!isAlignMethod(method) || field === "")
      throw new ValidationError(`method ${JSON.stringify(item)}: ${rule}`);
    if (field === undefined) {
      if (parsed.method !== undefined)
        throw new ValidationError(`method ${JSON.stringify(text)}: one default only; ${rule}`);
      parsed.method = method;
    } else parsed.methods[field] = method;
  }
  return parsed;
}

/** Checks the options once, with a message naming the option and its rule. */
function checked(
  options: AlignOptions,
): Required<Omit<AlignOptions, "fields" | "methods" | "tolerance">> & AlignOptions {
  const method = options.method ?? "previous";
  if (!isAlignMethod(method))
    throw new ValidationError(
      `method must be one of ${ALIGN_METHODS.join(", ")}, got ${JSON.stringify(method)}`,
    );
  for (const [field, each] of Object.entries(options.methods ?? {}))
    if (!isAlignMethod(each))
      throw new ValidationError(
        `method of ${field} must be one of ${ALIGN_METHODS.join(", ")}, got ${JSON.stringify(each)}`,
      );
  const tolerance = options.tolerance;
  if (tolerance !== undefined && !(typeof tolerance === "number" && tolerance >= 0))
    throw new ValidationError(`tolerance must be a number of seconds, 0 or more, got ${String(tolerance)}`);
  return {
    ...options,
    method,
    exactMatches: options.exactMatches ?? true,
    prefix: options.prefix ?? "other",
    on: options.on ?? "time",
  };
}

/** One field of the other table, ready to be looked up: its readings sorted by time, and how to take them. */
interface PreparedField {
  name: string;
  column: Column;
  method: AlignMethod;
  keys: SortedKeys;
  /** Linear only: the readings as float64, in sorted order. */
  sortedValues?: Float64Array;
}

/** The other table, prepared once and applied to each table (or chunk) of the primary. */
export class Aligner {
  private readonly fields: PreparedField[];
  private readonly options: ReturnType<typeof checked>;

  constructor(other: Table, options: AlignOptions = {}) {
    this.options = checked(options);
    const { on } = this.options;
    const times = asFloat64(other.column(on));
    const names = options.fields ?? other.columnNames.filter((name) => name !== on && !NOT_FIELDS.has(name));
    for (const name of Object.keys(options.methods ?? {}))
      if (!names.includes(name))
        throw new ValidationError(
          `methods names ${name}, which is not a field of the other table: ${names.join(", ")}`,
        );
    let allRows: SortedKeys | undefined;
    this.fields = names.map((name) => {
      const column = other.column(name);
      const method = this.methodOf(name, column);
      const keys = hasNoGaps(column)
        ? (allRows ??= SortedKeys.of(times))
        : SortedKeys.of(times, (row) => hasValue(column, row));
      const prepared: PreparedField = { name, column, method, keys };
      if (method === "linear") {
        const values = asFloat64(column);
        prepared.sortedValues = Float64Array.from(keys.rows, (row) => values[row]);
      }
      return prepared;
    });
  }

  private methodOf(name: string, column: Column): AlignMethod {
    const own = this.options.methods?.[name];
    const numeric = !isNDArray(column) && isNumeric(columnDType(column));
    if (own === "linear" && !numeric)
      throw new ValidationError(
        `method linear needs numbers: ${name} is ${columnDType(column)}${isNDArray(column) ? " arrays" : ""}`,
      );
    if (own) return own;
    return this.options.method === "linear" && !numeric ? "previous" : this.options.method;
  }

  /** The output names, in order, after the primary's own columns. */
  get outputNames(): string[] {
    return this.fields.map((field) => `${this.options.prefix}.${field.name}`);
  }

  /** The primary table with one column per field of the other table added. */
  apply(primary: Table): Table {
    const times = asFloat64(primary.column(this.options.on));
    const columns: Record<string, Column> = { ...primary.columns };
    // Fields sharing the same readings (no gaps) share the lookups too.
    const lookups = new Map<SortedKeys, Map<string, Int32Array>>();
    const lookup = (keys: SortedKeys, method: Exclude<AlignMethod, "linear">): Int32Array => {
      let byMethod = lookups.get(keys);
      if (!byMethod) lookups.set(keys, (byMethod = new Map()));
      let rows = byMethod.get(method);
      if (!rows) byMethod.set(method, (rows = this.matchRows(keys, times, method)));
      return rows;
    };
    for (const field of this.fields) {
      const name = `${this.options.prefix}.${field.name}`;
      if (Object.hasOwn(columns, name))
        throw new ValidationError(
          `cannot add column ${name}: the table already has one (choose another prefix)`,
        );
      columns[name] =
        field.method === "linear"
          ? this.interpolate(field, times)
          : takeRows(field.column, lookup(field.keys, field.method));
    }
    return new Table(columns, primary.length);
  }

  /** For each time, the other table's row whose reading is taken (-1: none). */
  private matchRows(
    keys: SortedKeys,
    times: Float64Array,
    method: Exclude<AlignMethod, "linear">,
  ): Int32Array {
    const { tolerance, exactMatches } = this.options;
    const sorted = keys.keys;
    const order = keys.rows;
    const limit = tolerance ?? Number.POSITIVE_INFINITY;
    if (method !== "nearest") {
      // One direction: positions become rows in place.
      const out = keys.positions(times, method, exactMatches);
      const checkDistance = tolerance !== undefined;
      for (let i = 0; i < out.length; i++) {
        const p = out[i];
        if (p >= 0) out[i] = checkDistance && Math.abs(sorted[p] - times[i]) > limit ? -1 : order[p];
      }
      return out;
    }
    const before = keys.positions(times, "previous", exactMatches);
    const after = keys.positions(times, "next", exactMatches);
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      let b = before[i];
      let a = after[i];
      if (b >= 0 && t - sorted[b] > limit) b = -1;
      if (a >= 0 && sorted[a] - t > limit) a = -1;
      // merge_asof's rule: the earlier reading unless the later one is strictly closer.
      const p = a >= 0 && (b < 0 || sorted[a] - t < t - sorted[b]) ? a : b;
      before[i] = p < 0 ? -1 : order[p];
    }
    return before;
  }

  /** numpy.interp's arithmetic between the readings around each time; outside them (or the tolerance): NaN. */
  private interpolate(field: PreparedField, times: Float64Array): Float64Array {
    const { keys, sortedValues } = field as Required<PreparedField>;
    const xp = keys.keys;
    const { tolerance } = this.options;
    const below = keys.positions(times, "previous", true);
    const out = new Float64Array(times.length);
    for (let i = 0; i < times.length; i++) {
      const x = times[i];
      const j = below[i];
      if (j < 0 || Number.isNaN(x)) {
        out[i] = Number.NaN;
      } else if (xp[j] === x) {
        out[i] = sortedValues[j];
      } else if (j + 1 >= xp.length) {
        out[i] = Number.NaN;
      } else if (tolerance !== undefined && (x - xp[j] > tolerance || xp[j + 1] - x > tolerance)) {
        out[i] = Number.NaN;
      } else {
        const slope = (sortedValues[j + 1] - sortedValues[j]) / (xp[j + 1] - xp[j]);
        let value = slope * (x - xp[j]) + sortedValues[j];
        if (Number.isNaN(value)) {
          value = slope * (x - xp[j + 1]) + sortedValues[j + 1];
          if (Number.isNaN(value) && sortedValues[j] === sortedValues[j + 1]) value = sortedValues[j];
        }
        out[i] = value;
      }
    }
    return out;
  }
}

/** `primary` with the fields of `other` aligned onto its times (see the module comment). */
export function align(primary: Table, other: Table, options: AlignOptions = {}): Table {
  return new Aligner(other, options).apply(primary);
}

/** align, chunk by chunk: `other` is prepared once, each primary chunk is aligned and yielded. */
export async function* alignChunks(
  chunks: AsyncIterable<Table>,
  other: Table,
  options: AlignOptions = {},
): AsyncGenerator<Table> {
  const aligner = new Aligner(other, options);
  for await (const chunk of chunks) yield aligner.apply(chunk);
}
