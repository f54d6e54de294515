// The Arrow IPC file body of a table, streamed piece by piece: the numeric columns go to the socket straight
// from the Table's typed arrays, never joined into one buffer first.
import { Readable } from "node:stream";
import { tableToArrowIPCChunks } from "../../tables/arrow.ts";
import type { Table } from "../../tables/Table.ts";

export function arrowFileBody(table: Table): Readable {
  return Readable.from(tableToArrowIPCChunks(table), { objectMode: false });
}
