// One stream of a run (primary, baseline, ...): its descriptors merged, read as a Table, in chunks, or one
// field as an NDArray. Values come from the store's column pages; external data is read only when filled.
import type { SeqRange } from "../catalog/SeqRange.ts";
import type { EventDescriptor } from "../documents/types.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { ColumnPage, ColumnReadOptions } from "../storage/ColumnPage.ts";
import type { Store } from "../storage/Store.ts";
import type { Column } from "../tables/Column.ts";
import { isTypedArray } from "../tables/DType.ts";
import { fromNested, isNDArray, type NDArray, ndarray } from "../tables/NDArray.ts";
import { Table } from "../tables/Table.ts";
import { type FieldSource, fieldSource } from "./dataKeys.ts";
import { fillDatumColumn, streamColumn } from "./externalColumns.ts";
import type { RunAssets } from "./RunAssets.ts";
import { SpanColumns } from "./SpanColumns.ts";
import { StreamDescription } from "./StreamDescription.ts";
import type { StreamRowIndex } from "./StreamRowIndex.ts";
import { type RowSpan, seqOrderedSpans } from "./seqOrderedSpans.ts";
import { inSeqRange, type SeqSelection, toSeqRange } from "./seqSelection.ts";

export interface ReadOptions {
  /** Fields to read (default: all); seq_num and time always come first. */
  fields?: readonly string[];
  /** Events with `from <= seq_num < to`. */
  seq?: SeqSelection;
  /** Resolve external fields to their arrays (default false: datum ids, StreamDatum uids). */
  fill?: boolean;
}

export interface ChunkOptions extends ReadOptions {
  /** Rows per chunk (the last may hold fewer). */
  size: number;
}

export interface FieldOptions {
  seq?: SeqSelection;
  /** Default true: an external field is read as its arrays. */
  fill?: boolean;
}

export class Stream extends StreamDescription {
  private readonly descriptorUids: string[];
  private readonly rowIndexes = new Map<string, Promise<StreamRowIndex>>();

  constructor(
    private readonly store: Store,
    private readonly assets: RunAssets,
    name: string,
    descriptors: readonly EventDescriptor[],
  ) {
    super(name, descriptors);
    this.descriptorUids = descriptors.map((descriptor) => descriptor.uid);
  }

  /** The events as one Table: seq_num, time and the fields, several descriptors merged in seq_num order. */
  async read(options: ReadOptions = {}): Promise<Table> {
    const fields = this.checkedFields(options.fields);
    const rows = new SpanColumns();
    const fill = options.fill ?? false;
    for await (const span of this.spans(fields, toSeqRange(options.seq), fill)) rows.add(span);
    return this.table(rows, fields, fill);
  }

  /**
   * The same Table in chunks of `size` rows, read page by page from the store: memory holds about one chunk
   * (plus a page per descriptor) whatever the stream's length.
   */
  async *chunks(options: ChunkOptions): AsyncGenerator<Table> {
    const size = options.size;
    if (!Number.isInteger(size) || size < 1)
      throw new ValidationError(`chunk size must be 1 or more, got ${size}`);
    const fields = this.checkedFields(options.fields);
    const fill = options.fill ?? false;
    let rows = new SpanColumns();
    for await (const span of this.spans(fields, toSeqRange(options.seq), fill)) {
      for (let from = span.from; from < span.to; ) {
        const to = Math.min(span.to, from + size - rows.length);
        rows.add({ page: span.page, from, to });
        from = to;
        if (rows.length === size) {
          yield await this.table(rows, fields, fill);
          rows = new SpanColumns();
        }
      }
    }
    if (rows.length > 0) yield await this.table(rows, fields, fill);
  }

  /** Each field's timestamps as a Table (seq_num, time, then one float64 column per field events carry). */
  async timestamps(options: Omit<ReadOptions, "fill"> = {}): Promise<Table> {
    const fields = this.checkedFields(options.fields);
    const rows = new SpanColumns();
    const seq = toSeqRange(options.seq);
    const parts: ColumnReadOptions = { parts: ["timestamps"], uids: false };
    for await (const span of seqOrderedSpans(this.store, this.descriptorUids, fields, seq, parts))
      rows.add(span);
    const columns: Record<string, Column> = { seq_num: rows.seqNums(), time: rows.times() };
    for (const field of fields) {
      if (this.sourceOf(field) !== "stream" || rows.has(field, "timestamps"))
        columns[field] = rows.column(field, "timestamps", this.dataKeys[field]);
    }
    return new Table(columns, rows.length);
  }

  /** One field as an NDArray of shape [events, ...shape of each value]; external data filled by default. */
  async field(name: string, options: FieldOptions = {}): Promise<NDArray> {
    const table = await this.read({ fields: [name], seq: options.seq, fill: options.fill ?? true });
    return asNDArray(table.column(name), table.length);
  }

  private sourceOf(field: string): FieldSource {
    return fieldSource(this.dataKeys[field]);
  }

  /** The StreamDatums of a `STREAM:` field in this stream, indexed once (chunks ask again and again). */
  private streamRowIndex(field: string): Promise<StreamRowIndex> {
    let index = this.rowIndexes.get(field);
    if (!index) this.rowIndexes.set(field, (index = this.assets.streamRowIndex(field, this.descriptorUids)));
    return index;
  }

  private checkedFields(fields: readonly string[] | undefined): string[] {
    if (fields === undefined) return this.fields;
    for (const field of fields) {
      if (!Object.hasOwn(this.dataKeys, field)) {
        throw new NotFoundError(
          `stream ${this.name} has no field ${JSON.stringify(field)}; fields are: ${this.fields.join(", ")}`,
        );
      }
    }
    return [...fields];
  }

  /**
   * Spans of the events to read. A stream with a `STREAM:` field often has no events at all (only its
   * StreamDatums say which seq_nums exist): without events, its rows are the StreamDatums' rows.
   */
  private async *spans(fields: string[], seq: SeqRange | undefined, fill: boolean): AsyncGenerator<RowSpan> {
    // A table holds data, and `filled` only when external fields are filled; never uids or timestamps.
    const external = fill && fields.some((field) => this.sourceOf(field) !== "inline");
    const parts: ColumnReadOptions = { parts: external ? ["data", "filled"] : ["data"], uids: false };
    let any = false;
    for await (const span of seqOrderedSpans(this.store, this.descriptorUids, fields, seq, parts)) {
      any = true;
      yield span;
    }
    const streamField = fields.find((field) => this.sourceOf(field) === "stream");
    if (!any && streamField !== undefined) {
      const page = await this.streamDatumRows(streamField, seq);
      if (page.length > 0) yield { page, from: 0, to: page.length };
    }
  }

  /**
   * A page of the rows the StreamDatums of the first `STREAM:` field hold, datum after datum (times unknown:
   * NaN; no values: those are read from the resources).
   */
  private async streamDatumRows(field: string, seq: SeqRange | undefined): Promise<ColumnPage> {
    const index = await this.streamRowIndex(field);
    const seqNums = Float64Array.from(index.seqNums((n) => inSeqRange(n, seq)));
    return {
      descriptor: this.descriptorUids[0] ?? "",
      length: seqNums.length,
      uid: new Array<string>(seqNums.length).fill(""),
      seq_num: seqNums,
      time: new Float64Array(seqNums.length).fill(Number.NaN),
      data: {},
      timestamps: {},
      filled: {},
    };
  }

  private async table(rows: SpanColumns, fields: string[], fill: boolean): Promise<Table> {
    const seqNums = rows.seqNums();
    const columns: Record<string, Column> = { seq_num: seqNums, time: rows.times() };
    for (const field of fields) {
      const dataKey = this.dataKeys[field];
      const source = this.sourceOf(field);
      // A `STREAM:` key that events do carry (a legacy twin with a Resource) holds datum ids after all.
      if (source === "stream" && !rows.has(field, "data")) {
        const index = await this.streamRowIndex(field);
        columns[field] = await streamColumn(this.assets, field, index, seqNums, fill, dataKey);
      } else if (source !== "inline" && fill) {
        const ids = rows.column(field, "data", dataKey);
        const filled = rows.column(field, "filled", undefined);
        columns[field] = await fillDatumColumn(this.assets, ids, filled, dataKey);
      } else {
        columns[field] = rows.column(field, "data", dataKey);
      }
    }
    return new Table(columns, rows.length);
  }
}

/** A Table column as an NDArray with the rows as its first axis. */
function asNDArray(column: Column, rows: number): NDArray {
  if (isNDArray(column)) return column;
  if (isTypedArray(column)) return ndarray(column, [rows]);
  try {
    return fromNested(column);
  } catch {
    // Ragged values: one object per row.
    return { shape: [rows], dtype: "object", data: column };
  }
}
