// The tree the HTTP API serves (the databroker v2 "Mongo" layout of the Python client contract):
// catalog -> run (start uid) -> stream -> data | timestamps | config | config_timestamps -> variables.
import type { SeqRange } from "../../catalog/SeqRange.ts";
import type { DocumentPair } from "../../documents/types.ts";
import type { NDArray } from "../../tables/NDArray.ts";
import type { Table } from "../../tables/Table.ts";
import type { ArrayStructure, DataType } from "./arrayStructure.ts";

/** A Tiled spec; `version` is a string for the bluesky specs (the client calls `.startsWith`). */
export interface Spec {
  name: string;
  version: string | null;
}

export interface Sorting {
  key: string;
  direction: 1 | -1;
}

/**
 * What databroker's own `seq` and `fill` parameters ask of a stream's values: only the events of a seq
 * range (so only their files are read), and external data filled (the default) or left as datum ids.
 */
export interface RowSelection {
  seq?: SeqRange;
  fill?: boolean;
}

/**
 * What a dataset's table may add, by databroker's own `limit` and `include=seq_num` (the Python client sends
 * neither): only the first `limit` rows of the selection in seq order (how our client reads a chunk), and
 * each row's seq_num as a column after `time` (row identity the xarray form does not carry).
 */
export interface TableSelection extends RowSelection {
  limit?: number;
  withSeqNum?: boolean;
}

interface NodeBase {
  /** Keys from the root; the node's own key is the last one ("" for the root). */
  readonly path: readonly string[];
  readonly specs: Spec[];
  metadata(): Record<string, unknown>;
}

export interface ContainerNode extends NodeBase {
  readonly family: "container";
  readonly sorting: Sorting[] | null;
  count(): Promise<number>;
  /** Child keys in listing order. */
  keys(): Promise<string[]>;
  /** NotFoundError when there is no such child. */
  child(key: string): Promise<Node>;
  /** Datasets: their variables as one Table (`time` and the names asked for; all when none), filled. */
  table?(names?: readonly string[], selection?: TableSelection): Promise<Table>;
  /** Runs: their documents, for the json-seq export. */
  documents?(): AsyncIterable<DocumentPair>;
}

export interface ArrayNode extends NodeBase {
  readonly family: "array";
  structure(): Promise<ArrayStructure>;
  /** The values as served: external data filled, each element of the declared data type. */
  read(selection?: RowSelection): Promise<ServedArray>;
}

/** An array with the data type its structure declares (string widths are the whole array's). */
export interface ServedArray {
  array: NDArray;
  dataType: DataType;
}

export type Node = ContainerNode | ArrayNode;

/** The key of a node in its parent. */
export function keyOf(node: Node): string {
  return node.path.at(-1) ?? "";
}
