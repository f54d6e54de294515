// The Arrow IPC file written as pieces (tableToArrowIPCChunks) and streamed (arrowFileBody): the same bytes as
// apache-arrow's own file writer, numeric columns sent as views of the Table's arrays.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { arrowFileBody } from "../../src/server/writers/arrowWriter.ts";
import {
  tableFromArrow,
  tableToArrow,
  tableToArrowIPC,
  tableToArrowIPCChunks,
} from "../../src/tables/arrow.ts";
import { ndarray } from "../../src/tables/NDArray.ts";
import { Table } from "../../src/tables/Table.ts";

const rows = 1000;
const detector = Float64Array.from({ length: rows }, (_, i) => Math.sin(i));
const table = new Table({
  seq_num: Int32Array.from({ length: rows }, (_, i) => i + 1),
  detector,
  image: ndarray(
    Float32Array.from({ length: rows * 6 }, (_, i) => i / 7),
    [rows, 2, 3],
  ),
  motor: Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? null : `m${i}`)),
  ok: Array.from({ length: rows }, (_, i) => i % 3 === 0),
});

function joined(chunks: Uint8Array[]): Buffer {
  return Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
}

describe("Arrow IPC file in pieces", () => {
  it("joins to exactly the bytes apache-arrow's file writer gives", () => {
    const reference = Buffer.from(tableToIPC(tableToArrow(table), "file"));
    assert.ok(joined(tableToArrowIPCChunks(table)).equals(reference));
    assert.ok(Buffer.from(tableToArrowIPC(table)).equals(reference));
    const empty = new Table({}, 0);
    assert.ok(
      Buffer.from(tableToArrowIPC(empty)).equals(Buffer.from(tableToIPC(tableToArrow(empty), "file"))),
    );
  });

  it("passes a float64 column through as a view of its own memory, not a copy", () => {
    const view = tableToArrowIPCChunks(table).find((chunk) => chunk.buffer === detector.buffer);
    assert.ok(view, "no piece shares the column's buffer");
    assert.equal(view.byteLength, detector.byteLength);
  });

  it("streams a body that apache-arrow reads back to the same columns", async () => {
    const pieces: Buffer[] = [];
    for await (const piece of await arrowFileBody(table)) pieces.push(piece as Buffer);
    const body = Buffer.concat(pieces);
    assert.equal(body.subarray(0, 6).toString("latin1"), "ARROW1");
    const back = tableFromArrow(tableFromIPC(body));
    assert.deepEqual(back.columnNames, table.columnNames);
    assert.deepEqual(back.column("detector"), detector);
    assert.deepEqual(back.column("image"), table.column("image"));
    assert.deepEqual(back.column("motor"), table.column("motor"));
    assert.deepEqual(back.column("ok"), table.column("ok"));
  });
});
