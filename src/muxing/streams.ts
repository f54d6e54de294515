// The muxing operations applied to a run's Streams rather than to Tables in hand: the other stream (a
// baseline: few rows) is read whole once, the primary is read chunk by chunk, so memory holds one primary
// chunk at a time whatever its length. Fields of the other stream are named `${other.name}.${field}` unless
// a prefix is given.
import type { ReadOptions, Stream } from "../broker/Stream.ts";
import type { Table } from "../tables/Table.ts";
import { Aligner, type AlignOptions } from "./align.ts";

export interface StreamAlignOptions extends AlignOptions {
  /** What to read of the primary stream (fields, seq range, fill). */
  read?: ReadOptions;
  /** Whether to fill the other stream's external fields (default: as `read.fill`). */
  fillOther?: boolean;
}

/** `primary`'s table in chunks of `size` rows, each with `other`'s fields aligned onto its times. */
export async function* alignedChunks(
  primary: Stream,
  other: Stream,
  size: number,
  options: StreamAlignOptions = {},
): AsyncGenerator<Table> {
  const aligner = await alignerFor(other, options);
  let any = false;
  for await (const chunk of primary.chunks({ ...options.read, size })) {
    any = true;
    yield aligner.apply(chunk);
  }
  // No events: the columns still say what a row would hold.
  if (!any) yield aligner.apply(await primary.read(options.read));
}

/** `primary`'s whole table with `other`'s fields aligned onto its times. */
export async function readAligned(
  primary: Stream,
  other: Stream,
  options: StreamAlignOptions = {},
): Promise<Table> {
  const aligner = await alignerFor(other, options);
  return aligner.apply(await primary.read(options.read));
}

async function alignerFor(other: Stream, options: StreamAlignOptions): Promise<Aligner> {
  const fill = options.fillOther ?? options.read?.fill ?? false;
  const table: Table = await other.read({ fields: options.fields, fill });
  return new Aligner(table, { ...options, prefix: options.prefix ?? other.name });
}
