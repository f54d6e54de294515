// One device's configuration in a stream as a dataset source: one row per descriptor (a configuration
// changed mid-run shows as a second row), `time` the descriptor's; values or their timestamps.
import type { Stream } from "../../broker/index.ts";
import { ValidationError } from "../../errors.ts";
import type { Column } from "../../tables/Column.ts";
import { Table } from "../../tables/Table.ts";
import type { DatasetSource } from "./DatasetSource.ts";
import type { TableSelection } from "./Node.ts";

export type ConfigPart = "config" | "config_timestamps";

/** Devices with configuration in the stream's descriptors, first-seen order. */
export function configuredDevices(stream: Stream): string[] {
  return Object.keys(stream.config());
}

export class ConfigDataset implements DatasetSource {
  readonly variables: readonly string[];
  private readonly values: Table;

  constructor(stream: Stream, device: string, part: ConfigPart) {
    const table = stream.config()[device];
    const keys = table.columnNames.filter((name) => name !== "descriptor" && name !== "time");
    this.variables = ["time", ...keys];
    this.values = part === "config" ? table.select(this.variables) : timestampsTable(stream, device, keys);
  }

  attrs(): Record<string, unknown> {
    return {};
  }

  declaredDims(): undefined {
    return undefined;
  }

  isExternal(): boolean {
    return false;
  }

  async table(names: readonly string[], selection: TableSelection): Promise<Table> {
    if (selection.seq !== undefined || selection.limit !== undefined || selection.withSeqNum)
      throw new ValidationError(
        "seq, limit and include=seq_num select events: a configuration has none (its rows are descriptors)",
      );
    return this.values.select(["time", ...names.filter((name) => name !== "time")]);
  }
}

/** Per descriptor that configures the device: its time and each key's timestamp (NaN where missing). */
function timestampsTable(stream: Stream, device: string, keys: string[]): Table {
  const rows = stream.descriptors.filter((descriptor) =>
    Object.hasOwn(descriptor.configuration ?? {}, device),
  );
  const columns: Record<string, Column> = { time: Float64Array.from(rows, (row) => row.time) };
  for (const key of keys) {
    columns[key] = Float64Array.from(rows, (row) => {
      const stamp = row.configuration?.[device]?.timestamps?.[key];
      return typeof stamp === "number" ? stamp : Number.NaN;
    });
  }
  return new Table(columns, rows.length);
}
