// A stream as its descriptors alone describe it: name, merged data keys, fields and configuration. The
// local Stream reads events on top of it; the remote client's streams use it as it is, with no store.
import type { DataKey, EventDescriptor } from "../documents/types.ts";
import type { Table } from "../tables/Table.ts";
import { configurationTables } from "./configuration.ts";
import { mergeDataKeys } from "./dataKeys.ts";

export class StreamDescription {
  readonly name: string;
  readonly descriptors: readonly EventDescriptor[];
  /** The stream's data keys, merged across its descriptors in first-seen order. */
  readonly dataKeys: Readonly<Record<string, DataKey>>;

  constructor(name: string, descriptors: readonly EventDescriptor[]) {
    this.name = name;
    this.descriptors = descriptors;
    this.dataKeys = mergeDataKeys(descriptors);
  }

  /** Field names, in data-key order. */
  get fields(): string[] {
    return Object.keys(this.dataKeys);
  }

  /** The configuration of each device in this stream: one row per descriptor (see configuration.ts). */
  config(): Record<string, Table> {
    return configurationTables(this.descriptors);
  }
}
