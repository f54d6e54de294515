import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Type, tableFromIPC } from "apache-arrow";
import { NotFoundError, ValidationError } from "../../src/errors.ts";
import { tableFromArrowIPC, tableToArrow, tableToArrowIPC } from "../../src/tables/arrow.ts";
import { tableToCSV } from "../../src/tables/csv.ts";
import { tableToJSONColumns } from "../../src/tables/jsonColumns.ts";
import { ndarray } from "../../src/tables/NDArray.ts";
import { Table } from "../../src/tables/Table.ts";

/** A stream-like table: numbers, ints, strings with awkward characters, booleans and a 2x2 image per row. */
function sample(): Table {
  return new Table({
    seq_num: new Int32Array([1, 2, 3]),
    time: new Float64Array([1.5, 2.25, Number.NaN]),
    motor: new Float32Array([0.5, -1, 2]),
    counts: new BigInt64Array([10n, 20n, 9007199254740993n]),
    label: ["plain", 'say "hi", then go', "two\nlines"],
    ok: [true, false, true],
    img: ndarray(new Uint16Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), [3, 2, 2]),
  });
}

describe("Table", () => {
  it("checks that columns agree on length and names missing columns", () => {
    assert.throws(() => new Table({ a: new Float64Array(2), b: [1] }), /column "b" has 1 rows, expected 2/);
    assert.equal(sample().length, 3);
    assert.throws(() => sample().column("nope"), NotFoundError);
    assert.deepEqual(sample().select(["ok", "seq_num"]).columnNames, ["ok", "seq_num"]);
    assert.equal(new Table({}, 4).length, 4);
    assert.throws(() => new Table({ a: [1, 2] }, 3), ValidationError);
  });

  it("reports column dtypes", () => {
    const t = sample();
    assert.deepEqual(
      t.columnNames.map((name) => t.dtype(name)),
      ["int32", "float64", "float32", "int64", "string", "bool", "uint16"],
    );
  });

  it("gives rows with array cells as nested lists", () => {
    const rows = sample().toRows();
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[1], {
      seq_num: 2,
      time: 2.25,
      motor: -1,
      counts: 20n,
      label: 'say "hi", then go',
      ok: false,
      img: [
        [5, 6],
        [7, 8],
      ],
    });
  });

  it("writes RFC 4180 CSV: quoted fields, doubled quotes, CRLF, arrays as JSON text", () => {
    const csv = tableToCSV(sample().select(["seq_num", "time", "label", "ok", "img"]));
    assert.equal(
      csv,
      "seq_num,time,label,ok,img\r\n" +
        '1,1.5,plain,true,"[[1,2],[3,4]]"\r\n' +
        '2,2.25,"say ""hi"", then go",false,"[[5,6],[7,8]]"\r\n' +
        '3,NaN,"two\nlines",true,"[[9,10],[11,12]]"\r\n',
    );
    assert.equal(tableToCSV(new Table({ "a,b": [null, "x"] })), '"a,b"\r\n\r\nx\r\n');
  });

  it("writes whole numbers of float columns as 1.0 (pandas then reads float), of int columns as 1", () => {
    const table = new Table({
      f: Float64Array.of(1, 2.5, -0, 1e21, Number.NaN),
      g: Float32Array.of(3, 0.5, 4, 5, 6),
      i: Int32Array.of(1, 2, 3, 4, 5),
    });
    assert.equal(
      tableToCSV(table),
      "f,g,i\r\n1.0,3.0,1\r\n2.5,0.5,2\r\n-0.0,4.0,3\r\n1e+21,5.0,4\r\nNaN,6.0,5\r\n", // -0.0 keeps its sign, as Python writes it
    );
  });

  it("gives one JSON object of columns with NaN as null and int64 as numbers", () => {
    const json = tableToJSONColumns(sample());
    assert.deepEqual(json.time, [1.5, 2.25, null]);
    assert.deepEqual(json.counts, [10, 20, 9007199254740992]);
    assert.deepEqual(json.img, [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
      [
        [9, 10],
        [11, 12],
      ],
    ]);
    assert.deepEqual(json.ok, [true, false, true]);
    // It really is JSON: serializing and parsing changes nothing.
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });
});

describe("Table and Apache Arrow", () => {
  it("maps columns to Arrow types, per-row arrays to nested FixedSizeList", () => {
    const arrow = tableToArrow(sample());
    const types = Object.fromEntries(arrow.schema.fields.map((f) => [f.name, String(f.type)]));
    assert.deepEqual(types, {
      seq_num: "Int32",
      time: "Float64",
      motor: "Float32",
      counts: "Int64",
      label: "Utf8",
      ok: "Bool",
      img: "FixedSizeList[2]<FixedSizeList[2]<Uint16>>",
    });
    assert.equal(arrow.numRows, 3);
  });

  it("writes IPC file bytes that apache-arrow reads back to the same values", () => {
    const table = sample();
    const bytes = tableToArrowIPC(table);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 6)), "ARROW1");
    const arrow = tableFromIPC(bytes);
    assert.equal(arrow.numRows, 3);
    assert.deepEqual(Array.from(arrow.getChild("seq_num")!.toArray()), [1, 2, 3]);
    assert.deepEqual(Array.from(arrow.getChild("label")!), ["plain", 'say "hi", then go', "two\nlines"]);
    assert.deepEqual(Array.from(arrow.getChild("ok")!), [true, false, true]);
    assert.equal(arrow.getChild("img")!.type.typeId, Type.FixedSizeList);

    const back = tableFromArrowIPC(bytes);
    assert.deepEqual(back.columnNames, table.columnNames);
    for (const name of table.columnNames) assert.deepEqual(back.columns[name], table.columns[name], name);
  });

  it("keeps nulls, and carries loose objects and ragged arrays as JSON text that reads back", () => {
    const table = new Table({
      maybe: [1.5, null, 3],
      name: ["a", null, "c"],
      meta: [{ a: 1 }, null, [1, 2, 3]],
      ragged: [[1, 2], [3], []],
      regular: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    const arrow = tableToArrow(table);
    assert.equal(arrow.getChild("maybe")!.nullCount, 1);
    assert.equal(String(arrow.schema.fields[2].type), "Utf8");
    assert.equal(String(arrow.schema.fields[4].type), "FixedSizeList[2]<Float64>");
    const back = tableFromArrowIPC(tableToArrowIPC(table));
    assert.deepEqual(back.columns.maybe, [1.5, null, 3]);
    assert.deepEqual(back.columns.name, ["a", null, "c"]);
    assert.deepEqual(back.columns.meta, [{ a: 1 }, null, [1, 2, 3]]);
    assert.deepEqual(back.columns.ragged, [[1, 2], [3], []]);
    assert.deepEqual(back.columns.regular, ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2]));
  });
});
