// merge (pandas.concat), split (runs of equal values), explode/implode (df.explode, groupby.agg(list)) and
// stack (numpy.stack) against pandas and numpy, on generated tables with gaps, NaN, ragged and empty arrays,
// and on the reference runs' primary streams merged across runs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import type { RunStart } from "../../src/documents/types.ts";
import { explode, implode, merge, split, stackField, unstackField } from "../../src/muxing/index.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { Table } from "../../src/tables/Table.ts";
import { runsOf } from "../broker/catalogs.ts";
import {
  assertSameColumn,
  type Case,
  checkCases,
  type WireColumn,
  wireColumn,
  wireTable,
} from "./pandasReference.ts";

function concatCase(parts: Array<{ run: string; table: Table }>, label: string): Case {
  const ours = merge(parts);
  return {
    request: { op: "concat", tables: parts.map(({ run, table }) => [run, wireTable(table)]) },
    check(theirs) {
      assert.deepEqual(ours.columnNames, Object.keys(theirs), `${label} columns`);
      for (const name of ours.columnNames)
        assertSameColumn(ours.column(name), theirs[name], `${label} ${name}`);
    },
  };
}

test("merge equals pandas.concat: same dtypes kept, int with float widened, absent columns as gaps", async () => {
  const a = new Table({
    seq_num: Int32Array.of(1, 2, 3),
    time: Float64Array.of(10, 11, 12),
    det: Float64Array.of(1.5, Number.NaN, 2.5),
    counts: Int32Array.of(4, 5, 6),
    label: ["x", null, "y"],
  });
  const b = new Table({
    seq_num: Int32Array.of(1, 2),
    time: Float64Array.of(20, 21),
    det: Float64Array.of(3.25, 4),
    counts: Float64Array.of(7.5, 8),
    motor: Float64Array.of(0.1, 0.2),
  });
  const c = new Table({ seq_num: new Int32Array(0), time: new Float64Array(0), det: new Float64Array(0) });
  await checkCases([
    concatCase(
      [
        { run: "a", table: a },
        { run: "b", table: b },
      ],
      "a+b",
    ),
    concatCase(
      [
        { run: "a", table: a },
        { run: "c", table: c },
        { run: "a2", table: a },
      ],
      "a+empty+a",
    ),
  ]);
});

test("merge of the reference runs' primary streams equals pandas.concat", async () => {
  const runs = await runsOf("apstools/tests/apstools.json");
  const store = new MemoryStore();
  for (const documents of runs) await store.put(documents);
  const broker = new Broker(store);
  const parts: Array<{ run: string; table: Table }> = [];
  try {
    for (const documents of runs.slice(0, 25)) {
      const run = await broker.run((documents[0][1] as RunStart).uid);
      if (!run.streamNames.includes("primary")) continue;
      const table = await run.stream("primary").read();
      const scalars = table.columnNames.filter((name) => !("shape" in (table.columns[name] as object)));
      parts.push({ run: run.uid, table: table.select(scalars) });
    }
  } finally {
    await broker.close();
  }
  assert.ok(parts.length >= 5);
  await checkCases([concatCase(parts, "apstools primaries")]);
});

test("split by a field's changes gives pandas' runs of equal values; split where a condition holds", async () => {
  const table = new Table({
    seq_num: Int32Array.from({ length: 12 }, (_, i) => i + 1),
    sample: ["a", "a", "b", "b", "b", null, null, "a", "c", "c", "c", "a"],
    temperature: Float64Array.of(1, 1, Number.NaN, Number.NaN, 2, 2, 2, 1, 1, Number.NaN, 3, 3),
  });
  const cases: Case[] = ["sample", "temperature"].map((by) => ({
    request: { op: "segments", table: wireTable(table), by },
    check(theirs) {
      const sizes = BigInt64Array.from(split(table, { by }), (segment) => BigInt(segment.length));
      assertSameColumn(sizes, theirs.sizes, `split by ${by}`);
    },
  }));
  await checkCases(cases);
  const warm = split(table, { where: (row) => (row.temperature as number) >= 2 });
  assert.deepEqual(
    warm.map((segment) => Array.from(segment.column("seq_num") as Int32Array)),
    [
      [5, 6, 7],
      [11, 12],
    ],
  );
  assert.deepEqual(split(new Table({ x: new Float64Array(0) }), { by: "x" }), []);
});

test("explode equals df.explode (empty arrays give no row); implode gives the events back as groupby.agg(list)", async () => {
  const table = new Table({
    seq_num: Int32Array.of(1, 2, 3, 4),
    time: Float64Array.of(10, 11, 12, 13),
    trace: [[0.5, 1.5, Number.NaN], [], [2.25], [3, 4]],
    axis: [[0, 1, 2], [], [0], [0, 1]],
  });
  const exploded = explode(table, ["trace", "axis"]);
  const regular = new Table({
    seq_num: Int32Array.of(1, 2),
    wave: { shape: [2, 3], dtype: "float64", data: Float64Array.of(1, 2, 3, 4, 5, 6) },
  });
  const explodedRegular = explode(regular, ["wave"]);
  await checkCases([
    {
      request: { op: "explode", table: wireTable(table), fields: ["trace", "axis"] },
      check(theirs) {
        for (const name of ["seq_num", "time", "trace", "axis"])
          assert.deepEqual(wireColumnValues(exploded.column(name)), valuesOf(theirs[name]), name);
      },
    },
    {
      request: {
        op: "implode",
        table: wireTable(exploded.select(["seq_num", "time", "trace", "axis"])),
        by: "seq_num",
        fields: ["trace", "axis"],
      },
      check(theirs) {
        const back = implode(exploded, ["trace", "axis"]);
        assert.deepEqual(wireColumnValues(back.column("trace")), valuesOf(theirs.trace));
        assert.deepEqual(wireColumnValues(back.column("time")), valuesOf(theirs.time));
      },
    },
  ]);
  assert.deepEqual(Array.from(exploded.column("element") as Int32Array), [0, 1, 2, 0, 0, 1]);
  assert.ok(exploded.column("trace") instanceof Float64Array);
  assert.deepEqual(implode(explodedRegular, ["wave"]).toRows(), regular.toRows());
});

test("stack equals numpy.stack of the cells; unstack gives the rows back; ragged and missing rows are refused", async () => {
  const table = new Table({
    frames: [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8.5],
      ],
    ],
    ragged: [[1, 2], [3]],
    missing: [[1], null],
  });
  const array = stackField(table, "frames");
  await checkCases([
    {
      request: {
        op: "stacked",
        table: wireTable(table.select(["frames"])),
        field: "frames",
        dtype: "float64",
      },
      check(theirs) {
        assertSameColumn(array.data as Float64Array, theirs.array, "stacked data");
        assert.deepEqual(array.shape, (theirs.shape as { values: number[] }).values);
      },
    },
  ]);
  assert.deepEqual(unstackField(array, "frames").toRows(), table.select(["frames"]).toRows());
  assert.throws(() => stackField(table, "ragged"), /^ValidationError: cannot stack ragged: /);
  assert.throws(() => stackField(table, "missing"), { message: "cannot stack missing: row 1 has no value" });
});

function wireColumnValues(column: Table["columns"][string]): unknown[] {
  const wire = wireColumn(column);
  if ("values" in wire) return wire.values;
  return Array.from(column as ArrayLike<number>, (value) =>
    typeof value === "bigint" ? Number(value) : value,
  );
}

function valuesOf(wire: WireColumn): unknown[] {
  assert.ok("values" in wire);
  return wire.values;
}
