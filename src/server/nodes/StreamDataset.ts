// A stream's `data` (seq-ordered values, external data filled on read) or `timestamps` (each field's
// timestamps) as a dataset source. Unfilled columns are read once per node and shared by its variables: all
// of them when the dataset is listed, only the named ones when a request reads a field or two.
import { declaredShape } from "../../broker/dataKeys.ts";
import { type FieldSource, fieldSource, type Stream } from "../../broker/index.ts";
import { ValidationError } from "../../errors.ts";
import type { DType } from "../../tables/DType.ts";
import { dtypeFromDataKey } from "../../tables/numpyDtype.ts";
import type { Table } from "../../tables/Table.ts";
import type { DatasetSource } from "./DatasetSource.ts";
import type { TableSelection } from "./Node.ts";

export type StreamPart = "data" | "timestamps";

/** `time`, then seq_num when asked for, then the named variables. */
function pick(table: Table, names: readonly string[], withSeqNum = false): Table {
  const fields = names.filter((name) => name !== "time");
  return table.select(withSeqNum ? ["time", "seq_num", ...fields] : ["time", ...fields]);
}

export class StreamDataset implements DatasetSource {
  readonly variables: readonly string[];
  private unfilled?: Promise<Table>;
  /** Unfilled reads of a few named fields (a request for one variable), each read once. */
  private readonly unfilledFields = new Map<string, Promise<Table>>();
  private readsAll = false;

  constructor(
    private readonly stream: Stream,
    private readonly part: StreamPart,
  ) {
    // `STREAM:` fields have no per-event timestamps of their own.
    const fields =
      part === "data" ? stream.fields : stream.fields.filter((field) => this.sourceOf(field) !== "stream");
    this.variables = ["time", ...fields];
  }

  private sourceOf(field: string): FieldSource {
    return fieldSource(this.stream.dataKeys[field]);
  }

  attrs(name: string): Record<string, unknown> {
    const dataKey = this.stream.dataKeys[name];
    if (!dataKey) return {};
    const attrs: Record<string, unknown> = {};
    const object = (dataKey as { object_name?: unknown }).object_name ?? this.deviceOf(name);
    if (typeof object === "string") attrs.object = object;
    for (const key of ["units", "source"] as const)
      if (typeof dataKey[key] === "string") attrs[key] = dataKey[key];
    return attrs;
  }

  private deviceOf(field: string): string | undefined {
    for (const descriptor of this.stream.descriptors)
      for (const [device, keys] of Object.entries(descriptor.object_keys ?? {}))
        if (Array.isArray(keys) && keys.includes(field)) return device;
    return undefined;
  }

  declaredDims(name: string): readonly string[] | undefined {
    if (this.part === "timestamps") return [];
    const dims = this.stream.dataKeys[name]?.dims;
    return Array.isArray(dims) && dims.every((dim) => typeof dim === "string") ? dims : undefined;
  }

  isExternal(name: string): boolean {
    return this.part === "data" && name !== "time" && this.sourceOf(name) !== "inline";
  }

  /** Every variable unfilled, read once. */
  private everyColumn(): Promise<Table> {
    this.unfilled ??= this.part === "data" ? this.stream.read() : this.stream.timestamps();
    return this.unfilled;
  }

  willReadAll(): void {
    this.readsAll = true;
  }

  /**
   * The unfilled data columns of `fields`: only those when a request names a few (one field of a million
   * events reads one column, not every one), every column at once when it lists the dataset or asks for most.
   */
  private unfilledData(fields: readonly string[]): Promise<Table> {
    // (No field named: `time` alone, read without any other column.)
    if (this.readsAll || this.unfilled || 2 * fields.length >= this.variables.length - 1)
      return this.everyColumn();
    const key = JSON.stringify(fields);
    let table = this.unfilledFields.get(key);
    if (!table) {
      table = this.stream.read({ fields, fill: false });
      this.unfilledFields.set(key, table);
    }
    return table;
  }

  async table(names: readonly string[], selection: TableSelection): Promise<Table> {
    const { seq, fill = true, limit, withSeqNum } = selection;
    const fields = names.filter((name) => name !== "time");
    if (this.part === "timestamps") {
      if (limit !== undefined) throw new ValidationError("limit reads a stream's data, not its timestamps");
      return pick(await this.stream.timestamps({ fields, seq }), fields, withSeqNum);
    }
    // The broker's chunks read page by page: the first chunk is read (and filled) without the rest.
    if (limit !== undefined) {
      for await (const chunk of this.stream.chunks({ fields, seq, fill, size: limit }))
        return pick(chunk, fields, withSeqNum);
    }
    // A seq range reads only its events, so only their files are opened (with a limit: none, yet typed columns).
    if (seq !== undefined || limit !== undefined)
      return pick(await this.stream.read({ fields, seq, fill }), fields, withSeqNum);
    if (!fill || !fields.some((name) => this.isExternal(name)))
      return pick(await this.unfilledData(fields), fields, withSeqNum);
    return pick(await this.stream.read({ fields, fill: true }), fields, withSeqNum);
  }

  async firstRow(name: string): Promise<Table | undefined> {
    const table = await this.everyColumn();
    if (table.length === 0) return undefined;
    const first = Number((table.column("seq_num") as ArrayLike<number>)[0]);
    try {
      return await this.stream.read({ fields: [name], seq: { from: first, to: first + 1 }, fill: true });
    } catch {
      return undefined; // no handler or a missing file: the data key's declaration is all there is
    }
  }

  declared(name: string): { shape: number[]; dtype: DType } {
    const dataKey = this.stream.dataKeys[name];
    return { shape: declaredShape(dataKey), dtype: dtypeFromDataKey(dataKey) ?? "float64" };
  }
}
