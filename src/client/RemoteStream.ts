// One stream of a remote run, with the local Stream's API, read in bounded requests: tables as Arrow IPC from
// /table/full of the stream's `data` or `timestamps` dataset, with databroker's own `include=seq_num` (row
// identity), `seq=from:to` (a seq range), `fill=false` (datum ids) and `limit` (one chunk per request); one
// field as raw bytes from /array/full. Nothing here fetches the run's documents.
import type { StreamLike } from "../broker/BrokerLike.ts";
import { type ChunkOptions, type FieldOptions, fieldSource, type ReadOptions } from "../broker/index.ts";
import type { StreamDescription } from "../broker/StreamDescription.ts";
import { toSeqRange } from "../broker/seqSelection.ts";
import type { SeqRange } from "../catalog/SeqRange.ts";
import type { DataKey, EventDescriptor } from "../documents/types.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { Column } from "../tables/Column.ts";
import { isTypedArray } from "../tables/DType.ts";
import { elementCount, fromNested, isNDArray, type NDArray, ndarray } from "../tables/NDArray.ts";
import { Table } from "../tables/Table.ts";
import { arrayFromBytes, type DataType } from "./arrayFromBytes.ts";
import type { HttpSession } from "./HttpSession.ts";

const ARROW_FILE = "application/vnd.apache.arrow.file";
/** Past this URL length the column list goes in a POST body, as the Python client does. */
const LONGEST_URL = 2000;

type Dataset = "data" | "timestamps";
type Params = Array<readonly [string, string]>;

/** What one table request asks of the server. */
interface RowsRequest {
  fields: readonly string[];
  seq?: SeqRange;
  fill?: boolean;
  limit?: number;
}

/** The server's `seq=from:to` parameter for a seq range (none for the whole stream). */
function seqParams(range: SeqRange | undefined): Params {
  if (range?.from === undefined && range?.to === undefined) return [];
  return [["seq", `${range.from ?? ""}:${range.to ?? ""}`]];
}

export class RemoteStream implements StreamLike {
  readonly name: string;
  readonly descriptors: readonly EventDescriptor[];
  readonly dataKeys: Readonly<Record<string, DataKey>>;

  /** @param described the stream as its descriptors alone describe it (names, data keys, configuration) */
  constructor(
    private readonly session: HttpSession,
    private readonly uid: string,
    private readonly described: StreamDescription,
  ) {
    this.name = described.name;
    this.descriptors = described.descriptors;
    this.dataKeys = described.dataKeys;
  }

  get fields(): string[] {
    return this.described.fields;
  }

  config(): Record<string, Table> {
    return this.described.config();
  }

  async read(options: ReadOptions = {}): Promise<Table> {
    return this.servedRows("data", {
      fields: this.checkedFields(options.fields),
      seq: toSeqRange(options.seq),
      fill: options.fill ?? false,
    });
  }

  /**
   * Chunks of `size` rows, one request each: `limit` rows from just past the last seq_num given (seq_nums
   * never repeat in a stream: the store refuses that), so memory holds one chunk whatever the stream's length.
   */
  async *chunks(options: ChunkOptions): AsyncGenerator<Table> {
    const size = options.size;
    if (!Number.isInteger(size) || size < 1)
      throw new ValidationError(`chunk size must be 1 or more, got ${size}`);
    const fields = this.checkedFields(options.fields);
    const range = toSeqRange(options.seq) ?? {};
    let from = range.from;
    for (;;) {
      const seq = { ...(from !== undefined && { from }), ...(range.to !== undefined && { to: range.to }) };
      const chunk = await this.servedRows("data", { fields, seq, fill: options.fill ?? false, limit: size });
      if (chunk.length > 0) yield chunk;
      if (chunk.length < size) return;
      from = (chunk.column("seq_num") as ArrayLike<number>)[chunk.length - 1] + 1;
    }
  }

  async timestamps(options: Omit<ReadOptions, "fill"> = {}): Promise<Table> {
    // The server's `timestamps` dataset leaves out `STREAM:` fields (their rows have no timestamps).
    const fields = this.checkedFields(options.fields).filter(
      (field) => fieldSource(this.dataKeys[field]) !== "stream",
    );
    return this.servedRows("timestamps", { fields, seq: toSeqRange(options.seq) });
  }

  async field(name: string, options: FieldOptions = {}): Promise<NDArray> {
    const fill = options.fill ?? true;
    const seq = toSeqRange(options.seq);
    // Unfilled external values are datum ids, of no fixed width: the Arrow table types them.
    if (!fill && !this.isInline(name)) {
      const table = await this.servedRows("data", { fields: this.checkedFields([name]), seq, fill });
      return asNDArray(table.column(name), table.length);
    }
    const path = [this.uid, this.name, "data", name];
    const item = await this.session.json<{
      data: { attributes: { structure: { shape: number[]; data_type: DataType } } };
    }>(this.session.url("metadata", path));
    const { shape, data_type } = item.data.attributes.structure;
    const url = this.session.url("array/full", path, seqParams(seq));
    const bytes = await this.session.bytes(url, "application/octet-stream");
    const inner = shape.slice(1);
    const rowBytes = data_type.itemsize * elementCount(inner);
    // A seq range's row count is what came: the body holds whole rows (rows of no bytes say nothing, so
    // their count is the length of the range's `time`).
    const rows =
      seq === undefined
        ? shape[0]
        : rowBytes > 0
          ? bytes.byteLength / rowBytes
          : (await this.servedRows("data", { fields: [], seq })).length;
    return arrayFromBytes(bytes, data_type, shape.length === 0 ? shape : [rows, ...inner]);
  }

  private isInline(field: string): boolean {
    return fieldSource(this.dataKeys[field]) === "inline";
  }

  /** The fields asked for (every field when none), NotFoundError naming an unknown one as locally. */
  private checkedFields(fields: readonly string[] | undefined): string[] {
    if (fields === undefined) return this.fields;
    const unknown = fields.find((field) => !Object.hasOwn(this.dataKeys, field));
    if (unknown !== undefined)
      throw new NotFoundError(
        `stream ${this.name} has no field ${JSON.stringify(unknown)}; fields are: ${this.fields.join(", ")}`,
      );
    return [...fields];
  }

  /**
   * seq_num, time and the fields of a dataset as the local Stream orders them, from one Arrow IPC answer of
   * /table/full (`time` alone asked for when no field is: the server sends every variable for none).
   */
  private async servedRows(dataset: Dataset, request: RowsRequest): Promise<Table> {
    const path = [this.uid, this.name, dataset];
    const names = request.fields.length > 0 ? request.fields : ["time"];
    const params: Params = [
      ["format", ARROW_FILE],
      ["include", "seq_num"],
      ...seqParams(request.seq),
      ...(request.fill === undefined ? [] : [["fill", String(request.fill)] as const]),
      ...(request.limit === undefined ? [] : [["limit", String(request.limit)] as const]),
    ];
    const get = this.session.url("table/full", path, [
      ...params,
      ...names.map((name) => ["column", name] as const),
    ]);
    const bytes =
      get.length <= LONGEST_URL
        ? await this.session.bytes(get, ARROW_FILE)
        : await this.session.bytes(this.session.url("table/full", path, params), ARROW_FILE, names);
    const { tableFromArrowIPC } = await import("../tables/arrow.ts");
    const served = tableFromArrowIPC(bytes);
    const columns: Record<string, Column> = {
      seq_num: served.column("seq_num"),
      time: served.column("time"),
    };
    for (const field of request.fields) columns[field] = served.column(field);
    return new Table(columns, served.length);
  }
}

/** A column as an NDArray with the rows as its first axis, as the local Stream's field() gives it. */
function asNDArray(column: Column, rows: number): NDArray {
  if (isNDArray(column)) return column;
  if (isTypedArray(column)) return ndarray(column, [rows]);
  return fromNested(column);
}
