// One stream of a remote run, with the local Stream's API. Values come from the server: tables as Arrow IPC
// (/table/full of the stream's `data` or `timestamps` dataset, external data filled there) and one field as
// raw bytes (/array/full), a seq range asked with the server's own `seq` parameter so that only its rows are
// filled. The tables have no seq_num and no unfilled external values, so those come from the run's exported
// documents (runReplica).
import {
  type ChunkOptions,
  type FieldOptions,
  fieldSource,
  type ReadOptions,
  type Run,
  type Stream,
} from "../broker/index.ts";
import { type SeqSelection, toSeqRange } from "../broker/seqSelection.ts";
import type { DataKey, EventDescriptor } from "../documents/types.ts";
import { ValidationError } from "../errors.ts";
import type { Column } from "../tables/Column.ts";
import { elementCount, type NDArray } from "../tables/NDArray.ts";
import { Table } from "../tables/Table.ts";
import { arrayFromBytes, type DataType } from "./arrayFromBytes.ts";
import type { StreamLike } from "./BrokerLike.ts";
import type { HttpSession } from "./HttpSession.ts";
import { takeRows } from "./takeRows.ts";

const ARROW_FILE = "application/vnd.apache.arrow.file";
/** Past this URL length the column list goes in a POST body, as the Python client does. */
const LONGEST_URL = 2000;

type Dataset = "data" | "timestamps";
type Params = Array<readonly [string, string]>;

/** The server's `seq=from:to` parameter for a seq range (none for the whole stream). */
function seqParams(seq: SeqSelection | undefined): Params {
  const range = toSeqRange(seq);
  return range === undefined ? [] : [["seq", `${range.from ?? ""}:${range.to ?? ""}`]];
}

export class RemoteStream implements StreamLike {
  readonly name: string;
  readonly descriptors: readonly EventDescriptor[];
  readonly dataKeys: Readonly<Record<string, DataKey>>;

  /**
   * @param described the stream as its descriptors alone describe it (names, data keys, configuration)
   * @param replica the run's documents read now from the server, for row structure
   */
  constructor(
    private readonly session: HttpSession,
    private readonly uid: string,
    private readonly described: Stream,
    private readonly replica: () => Promise<Run>,
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
    const fill = options.fill ?? false;
    const rows = await (await this.replica())
      .stream(this.name)
      .read({ fields: options.fields, seq: options.seq });
    const fields = rows.columnNames.slice(2);
    // External fields unfilled are datum ids only the documents hold; everything else is the server's.
    const served = fields.filter((field) => fill || this.isInline(field));
    const table =
      served.length > 0 ? await this.servedTable("data", served, rows.length, options.seq) : undefined;
    const columns: Record<string, Column> = {
      seq_num: rows.column("seq_num"),
      time: table ? table.column("time") : rows.column("time"),
    };
    for (const field of fields) columns[field] = (served.includes(field) ? table! : rows).column(field);
    return new Table(columns, rows.length);
  }

  async *chunks(options: ChunkOptions): AsyncGenerator<Table> {
    const size = options.size;
    if (!Number.isInteger(size) || size < 1)
      throw new ValidationError(`chunk size must be 1 or more, got ${size}`);
    // One request for the whole selection, cut here: memory holds the table, not one chunk.
    const table = await this.read(options);
    for (let from = 0; from < table.length; from += size) {
      const rows = Array.from({ length: Math.min(size, table.length - from) }, (_, i) => from + i);
      yield takeRows(table, rows);
    }
  }

  async timestamps(options: Omit<ReadOptions, "fill"> = {}): Promise<Table> {
    const rows = await (await this.replica())
      .stream(this.name)
      .timestamps({ fields: options.fields, seq: options.seq });
    const fields = rows.columnNames.slice(2);
    // The server's `timestamps` dataset leaves out `STREAM:` fields (their rows have no timestamps).
    const served = fields.filter((field) => fieldSource(this.dataKeys[field]) !== "stream");
    const table =
      served.length > 0 ? await this.servedTable("timestamps", served, rows.length, options.seq) : undefined;
    const columns: Record<string, Column> = {
      seq_num: rows.column("seq_num"),
      time: table ? table.column("time") : rows.column("time"),
    };
    for (const field of fields) columns[field] = (served.includes(field) ? table! : rows).column(field);
    return new Table(columns, rows.length);
  }

  async field(name: string, options: FieldOptions = {}): Promise<NDArray> {
    if (options.fill === false) return (await this.replica()).stream(this.name).field(name, options);
    const path = [this.uid, this.name, "data", name];
    const item = await this.session.json<{
      data: { attributes: { structure: { shape: number[]; data_type: DataType } } };
    }>(this.session.url("metadata", path));
    const { shape, data_type } = item.data.attributes.structure;
    const url = this.session.url("array/full", path, seqParams(options.seq));
    const bytes = await this.session.bytes(url, "application/octet-stream");
    const inner = shape.slice(1);
    const rowBytes = data_type.itemsize * elementCount(inner);
    // A seq range's row count is what came: the body holds whole rows (rows of no bytes say nothing).
    const rows =
      options.seq === undefined
        ? shape[0]
        : rowBytes > 0
          ? bytes.byteLength / rowBytes
          : (await (await this.replica()).stream(this.name).read({ fields: [name], seq: options.seq }))
              .length;
    return arrayFromBytes(bytes, data_type, shape.length === 0 ? shape : [rows, ...inner]);
  }

  private isInline(field: string): boolean {
    return fieldSource(this.dataKeys[field]) === "inline";
  }

  /** `time` and the named variables of a dataset, as the server sends them in an Arrow IPC file. */
  private async servedTable(
    dataset: Dataset,
    names: string[],
    rows: number,
    seq: SeqSelection | undefined,
  ): Promise<Table> {
    const path = [this.uid, this.name, dataset];
    const params: Params = [["format", ARROW_FILE], ...seqParams(seq)];
    const get = this.session.url("table/full", path, [
      ...params,
      ...names.map((name) => ["column", name] as const),
    ]);
    const bytes =
      get.length <= LONGEST_URL
        ? await this.session.bytes(get, ARROW_FILE)
        : await this.session.bytes(this.session.url("table/full", path, params), ARROW_FILE, names);
    const table = Table.fromArrowIPC(bytes);
    // Two requests see the run at two moments: a run still being written may have grown in between.
    if (table.length !== rows)
      throw new ValidationError(
        `stream ${this.name} of run ${this.uid} changed while read (${rows} rows, then ${table.length}): read again`,
      );
    return table;
  }
}
