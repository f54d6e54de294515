// What user code may rely on whichever broker it holds: the local Broker and the RemoteBroker (src/client)
// both implement these types, so one function accepts either.
import type { RunRef } from "../catalog/RunRef.ts";
import type { RunsOptions } from "../catalog/RunsOptions.ts";
import type { DataKey, DocumentPair, EventDescriptor, RunStart, RunStop } from "../documents/types.ts";
import type { FollowedDocument, FollowOptions, RunChange, SubscribeOptions } from "../live/types.ts";
import type { DistinctValue } from "../queries/distinct.ts";
import type { ParseOptions } from "../queries/parseQuery.ts";
import type { Query, QueryKey, QueryValue } from "../queries/Query.ts";
import type { NDArray } from "../tables/NDArray.ts";
import type { Table } from "../tables/Table.ts";
import type { RunOverview } from "./RunDescription.ts";
import type { ChunkOptions, FieldOptions, ReadOptions } from "./Stream.ts";

export interface StreamLike {
  readonly name: string;
  readonly descriptors: readonly EventDescriptor[];
  readonly dataKeys: Readonly<Record<string, DataKey>>;
  readonly fields: string[];
  read(options?: ReadOptions): Promise<Table>;
  chunks(options: ChunkOptions): AsyncGenerator<Table>;
  timestamps(options?: Omit<ReadOptions, "fill">): Promise<Table>;
  field(name: string, options?: FieldOptions): Promise<NDArray>;
  config(): Record<string, Table>;
}

export interface RunLike {
  readonly uid: string;
  readonly start: RunStart;
  readonly stop: RunStop | null;
  readonly descriptors: readonly EventDescriptor[];
  readonly streamNames: string[];
  stream(name: string): StreamLike;
  documents(options?: { fill?: boolean }): AsyncIterable<DocumentPair>;
  devices(): string[];
  config(device: string): Record<string, Array<Record<string, unknown>>>;
  summary(): Promise<RunOverview>;
  follow(options?: FollowOptions): AsyncIterable<FollowedDocument>;
}

export interface BrokerLike extends AsyncIterable<RunLike> {
  readonly query: Query;
  search(query: Query | string, options?: ParseOptions): BrokerLike;
  count(): Promise<number>;
  run(ref: RunRef): Promise<RunLike>;
  recent(n: number): AsyncIterable<RunLike>;
  runs(options?: RunsOptions): AsyncGenerator<RunLike>;
  page(options?: RunsOptions): Promise<RunLike[]>;
  distinct(key: QueryKey, options: { counts: true }): Promise<DistinctValue[]>;
  distinct(key: QueryKey, options?: { counts?: false }): Promise<QueryValue[]>;
  subscribe(options?: SubscribeOptions): AsyncIterable<RunChange>;
  close(): Promise<void>;
}
