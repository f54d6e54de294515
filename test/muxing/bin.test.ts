// bin and resample against pandas: groupby of pd.cut(..., right=False) codes (observed=False) with mean,
// sum, min, max, count, first and last, on a time grid, on N bins of a motor, on given edges and on a 2-D
// grid; edges equal numpy's arange * step and linspace; chunk by chunk equals the whole; on real runs too.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import type { RunStart } from "../../src/documents/types.ts";
import {
  AGGREGATES,
  type Aggregate,
  type BinAxis,
  bin,
  binChunks,
  resample,
  resolveAxis,
} from "../../src/muxing/index.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { Table } from "../../src/tables/Table.ts";
import { runsOf } from "../broker/catalogs.ts";
import { assertSameColumn, type Case, checkCases, wireTable } from "./pandasReference.ts";

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function generated(seed: number, n: number): Table {
  const next = random(seed);
  return new Table({
    seq_num: Int32Array.from({ length: n }, (_, i) => i + 1),
    time: Float64Array.from({ length: n }, () => 1.7e9 + Math.floor(next() * 200) * 0.05),
    x: Float64Array.from({ length: n }, () => Math.floor(next() * 21) * 0.1 - 1),
    y: Float64Array.from({ length: n }, () => next() * 3),
    det: Float64Array.from({ length: n }, () => (next() < 0.15 ? Number.NaN : next() * 1000 - 100)),
    counts: Int32Array.from({ length: n }, () => Math.floor(next() * 100)),
    small: Float32Array.from({ length: n }, () => next()),
    label: Array.from({ length: n }, () => (next() < 0.3 ? null : `s${Math.floor(next() * 4)}`)),
    empty: new Float64Array(n).fill(Number.NaN),
  });
}

/** What each field may be reduced by (float32 mean/sum: pandas keeps float32 arithmetic; ours is float64). */
const AGGS_OF: Record<string, readonly Aggregate[]> = {
  det: AGGREGATES,
  counts: AGGREGATES,
  small: ["min", "max", "count", "first", "last"],
  label: ["count", "first", "last"],
  empty: AGGREGATES,
  time: ["min", "max", "first", "last", "count"],
};

/** One case per aggregate: our bin of `table` on `axes`, checked against pandas. */
function binCases(table: Table, axes: BinAxis[], label: string): Case[] {
  return AGGREGATES.map((agg) => {
    const fields = Object.keys(AGGS_OF).filter(
      (field) =>
        table.columnNames.includes(field) &&
        AGGS_OF[field].includes(agg) &&
        !axes.some((a) => a.field === field),
    );
    const ours = bin(table, axes, { agg, fields });
    const resolved = axes.map((axis) => {
      const values = table.column(axis.field) as Float64Array;
      const range = values.length
        ? ([Math.min(...values), Math.max(...values)] as [number, number])
        : undefined;
      return resolveAxis(axis, range);
    });
    return {
      request: {
        op: "binned",
        table: wireTable(table),
        axes: resolved.map((axis) => ({
          by: axis.field,
          edges: Array.from(axis.edges),
          closed_last: axis.closedLast,
        })),
        aggs: Object.fromEntries(fields.map((field) => [field, agg])),
      },
      check(theirs) {
        for (const field of fields)
          assertSameColumn(ours.column(field), theirs[field], `${label} ${agg} ${field}`);
        for (const [i, axis] of resolved.entries()) {
          const width = resolved[1] ? resolved[1].edges.length - 1 : 1;
          const lefts = Array.from(ours.column(axis.field) as Float64Array);
          const expected = Array.from(
            { length: ours.length },
            (_, bin) => axis.edges[i === 0 ? Math.floor(bin / width) : bin % width],
          );
          assert.deepEqual(lefts, expected, `${label} ${axis.field} left edges`);
        }
      },
    };
  });
}

test("1-D: a time grid, N bins of a motor and given edges equal pandas' groupby of pd.cut, every aggregate", async () => {
  const cases: Case[] = [];
  for (const seed of [1, 2]) {
    const table = generated(seed, 400);
    cases.push(...binCases(table, [{ field: "time", every: 0.5 }], `seed ${seed} every 0.5`));
    cases.push(...binCases(table, [{ field: "x", bins: 7 }], `seed ${seed} x 7 bins`));
    cases.push(...binCases(table, [{ field: "y", edges: [0.5, 1, 1.25, 2.5] }], `seed ${seed} y edges`));
  }
  await checkCases(cases);
});

test("2-D grid of two motors equals pandas' groupby of both pd.cut codes (every pair, first axis outer)", async () => {
  const table = generated(3, 500);
  await checkCases(
    binCases(
      table,
      [
        { field: "x", bins: 4 },
        { field: "y", bins: 3 },
      ],
      "x by y",
    ),
  );
});

test("empty table: no bins; resample is bin on time", async () => {
  const empty = new Table({ time: new Float64Array(0), det: new Float64Array(0) });
  assert.equal(resample(empty, 1).length, 0);
  const table = generated(4, 100);
  const options = { agg: "max", fields: ["det", "counts"] } as const;
  assert.deepEqual(
    resample(table, 0.25, options).toRows(),
    bin(table, { field: "time", every: 0.25 }, options).toRows(),
  );
});

test("edges equal numpy's: arange * every and linspace", async () => {
  const next = random(5);
  const cases: Case[] = [];
  for (let i = 0; i < 20; i++) {
    const low = 1.7e9 + next() * 1000;
    const high = low + next() * 100;
    const every = [0.1, 0.25, 1 / 3, 7][i % 4];
    const bins = 1 + Math.floor(next() * 50);
    const grid = resolveAxis({ field: "t", every }, [low, high]);
    const linear = resolveAxis({ field: "t", bins }, [low, high]);
    const first = Math.round(grid.edges[0] / every);
    cases.push({
      request: { op: "grids", first, last: first + grid.edges.length - 2, every, low, high, bins },
      check(theirs) {
        assertSameColumn(grid.edges, theirs.every, `every ${every}`);
        assertSameColumn(linear.edges, theirs.bins, `${bins} bins`);
        assert.ok(
          grid.edges[0] <= low &&
            low < grid.edges[1] &&
            grid.edges.at(-2)! <= high &&
            high < grid.edges.at(-1)!,
        );
      },
    });
  }
  await checkCases(cases);
});

test("binChunks: chunk by chunk equals the whole table", async () => {
  const table = generated(6, 1000);
  const chunks = async function* () {
    for (let from = 0; from < table.length; from += 128) {
      const columns = Object.fromEntries(
        Object.entries(table.columns).map(([name, column]) => [
          name,
          (column as Float64Array).slice(from, from + 128),
        ]),
      );
      yield new Table(columns as Table["columns"]);
    }
  };
  for (const agg of AGGREGATES) {
    const fields =
      agg === "count" || agg === "first" || agg === "last" ? ["det", "label", "counts"] : ["det", "counts"];
    const axes: BinAxis[] = [
      { field: "x", bins: 5 },
      { field: "time", every: 2 },
    ];
    assert.deepEqual(
      (await binChunks(chunks, axes, { agg, fields })).toRows(),
      bin(table, axes, { agg, fields }).toRows(),
      agg,
    );
  }
});

test("bad options name the option and the rule", () => {
  const table = generated(7, 10);
  assert.throws(() => bin(table, { field: "time", every: 0 }), {
    message: "every (the bin width of time) must be a number above 0, got 0",
  });
  assert.throws(() => bin(table, { field: "x", bins: 2.5 }), {
    message: "bins (of x) must be a whole number from 1 to 1000000, got 2.5",
  });
  assert.throws(
    () => bin(table, { field: "x", bins: 2 }, { agg: "median" as Aggregate }),
    /agg must be one of mean, sum/,
  );
  assert.throws(() => bin(table, { field: "x", bins: 2 }, { agg: "mean", fields: ["label"] }), {
    message: "agg mean needs numbers: label is string",
  });
});

test("real runs: primary streams resampled on a time grid and binned by their first motor equal pandas'", async () => {
  const runs = await runsOf("apstools/tests/usaxs.json");
  const store = new MemoryStore();
  for (const documents of runs) await store.put(documents);
  const broker = new Broker(store);
  const cases: Case[] = [];
  try {
    for (const documents of runs) {
      const run = await broker.run((documents[0][1] as RunStart).uid);
      if (!run.streamNames.includes("primary")) continue;
      const table = await run.stream("primary").read();
      const numbers = table.columnNames.filter(
        (name) => name !== "seq_num" && table.columns[name] instanceof Float64Array,
      );
      if (table.length < 5 || numbers.length < 2) continue;
      const motor = numbers.find((name) => name !== "time")!;
      const fields = numbers.filter((name) => name !== motor && name !== "time");
      for (const agg of ["mean", "sum", "max", "count", "last"] as const)
        for (const axes of [[{ field: "time", every: 1 }], [{ field: motor, bins: 5 }]] as BinAxis[][]) {
          const ours = bin(table, axes, { agg, fields });
          const resolved = axes.map((axis) => resolveAxis(axis, rangeOfColumn(table, axis.field)));
          cases.push({
            request: {
              op: "binned",
              table: wireTable(table.select([...new Set(["time", motor, ...fields])])),
              axes: resolved.map((axis) => ({
                by: axis.field,
                edges: Array.from(axis.edges),
                closed_last: axis.closedLast,
              })),
              aggs: Object.fromEntries(fields.map((field) => [field, agg])),
            },
            check(theirs) {
              for (const field of fields)
                assertSameColumn(ours.column(field), theirs[field], `${run.uid.slice(0, 8)} ${agg} ${field}`);
            },
          });
        }
    }
  } finally {
    await broker.close();
  }
  assert.ok(cases.length >= 20, `${cases.length} cases`);
  await checkCases(cases);
});

function rangeOfColumn(table: Table, field: string): [number, number] {
  const values = Array.from(table.column(field) as Float64Array).filter((v) => !Number.isNaN(v));
  return [Math.min(...values), Math.max(...values)];
}
