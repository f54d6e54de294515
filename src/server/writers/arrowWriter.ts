// The Arrow IPC file body of a table, streamed piece by piece: the numeric columns go to the socket straight
// from the Table's typed arrays, never joined into one buffer first. Apache Arrow is loaded at the first
// Arrow answer, not with the server.
import { Readable } from "node:stream";
import type { Table } from "../../tables/Table.ts";

export async function arrowFileBody(table: Table): Promise<Readable> {
  const { tableToArrowIPCChunks } = await import("../../tables/arrow.ts");
  return Readable.from(tableToArrowIPCChunks(table), { objectMode: false });
}
