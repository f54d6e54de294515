// align against pandas.merge_asof (previous/next/nearest, tolerances, exact matches) and numpy.interp
// (linear): on the reference runs' real baseline streams aligned onto their primary streams, and on
// generated edge cases (ties in time, unsorted primary and baseline, NaN, gaps, all-missing fields, empty).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import type { RunStart } from "../../src/documents/types.ts";
import { ValidationError } from "../../src/errors.ts";
import {
  ALIGN_METHODS,
  type AlignMethod,
  type AlignOptions,
  align,
  alignChunks,
  parseMethods,
} from "../../src/muxing/index.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { Table } from "../../src/tables/Table.ts";
import { runsOf } from "../broker/catalogs.ts";
import { assertSameColumn, type Case, checkCases, wireTable } from "./pandasReference.ts";

/** Our align of every field with `method`, to be checked column by column against pandas. */
function alignCase(
  primary: Table,
  other: Table,
  options: AlignOptions & { method: AlignMethod },
  label: string,
): Case {
  const ours = align(primary, other, { ...options, prefix: "baseline" });
  const fields = other.columnNames.filter((name) => name !== "time" && name !== "seq_num");
  const methods = Object.fromEntries(
    fields.map((field) => [field, options.methods?.[field] ?? options.method]),
  );
  return {
    request: {
      op: "align",
      left: wireTable(primary.select(["time"])),
      right: wireTable(other.select(["time", ...fields])),
      methods,
      tolerance: options.tolerance ?? null,
      exact: options.exactMatches ?? true,
    },
    check(theirs) {
      for (const field of fields)
        assertSameColumn(
          ours.column(`baseline.${field}`),
          theirs[field],
          `${label} ${methods[field]} ${field}`,
          methods[field] === "linear" ? 1 : 0,
        );
    },
  };
}

/** A deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Times on a coarse grid (so ties happen), in shuffled order. */
function times(n: number, next: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => 1000 + Math.floor(next() * 40) * 0.25);
}

function generated(seed: number, rows: number, baselineRows: number) {
  const next = random(seed);
  const primary = new Table({
    seq_num: Int32Array.from({ length: rows }, (_, i) => i + 1),
    time: times(rows, next),
  });
  const n = baselineRows;
  const baseline = new Table({
    time: times(n, next),
    temperature: Float64Array.from({ length: n }, () => (next() < 0.2 ? Number.NaN : next() * 100 - 50)),
    counts: Int32Array.from({ length: n }, () => Math.floor(next() * 1000)),
    big: BigInt64Array.from({ length: n }, () => BigInt(Math.floor(next() * 1e6)) * 1000003n),
    small: Float32Array.from({ length: n }, () => next()),
    label: Array.from({ length: n }, () => (next() < 0.3 ? null : `s${Math.floor(next() * 5)}`)),
    shutter: Array.from({ length: n }, () => next() < 0.5),
    broken: new Float64Array(n).fill(Number.NaN),
  });
  return { primary, baseline };
}

test("previous, next, nearest: generated streams with ties, shuffled times, NaN and gaps equal merge_asof's", async () => {
  const cases: Case[] = [];
  for (const method of ["previous", "next", "nearest"] as const)
    for (const seed of [1, 2, 3]) {
      const { primary, baseline } = generated(seed, 300, 25);
      const label = `seed ${seed}`;
      cases.push(alignCase(primary, baseline, { method }, label));
      cases.push(alignCase(primary, baseline, { method, tolerance: 0.5 }, `${label} tolerance 0.5`));
      cases.push(alignCase(primary, baseline, { method, tolerance: 0 }, `${label} tolerance 0`));
      cases.push(alignCase(primary, baseline, { method, exactMatches: false }, `${label} inexact`));
    }
  await checkCases(cases);
});

test("linear: number fields equal numpy.interp within 1 ulp; per-field methods mix", async () => {
  const cases: Case[] = [];
  for (const seed of [4, 5]) {
    const { primary, baseline } = generated(seed, 300, 25);
    const numbers = baseline.select(["time", "temperature", "counts", "small", "broken"]);
    cases.push(alignCase(primary, numbers, { method: "linear" }, `seed ${seed}`));
    cases.push(
      alignCase(
        primary,
        baseline,
        { method: "nearest", methods: { temperature: "linear", label: "previous" } },
        `seed ${seed} mixed`,
      ),
    );
  }
  await checkCases(cases);
});

test("linear by default takes previous for fields that are not numbers; linear asked of strings is refused", () => {
  const { primary, baseline } = generated(6, 50, 10);
  const ours = align(primary, baseline, { method: "linear" });
  const previous = align(primary, baseline, { method: "previous" });
  assert.deepEqual(ours.column("other.label"), previous.column("other.label"));
  assert.throws(
    () => align(primary, baseline, { methods: { label: "linear" } }),
    (error: Error) =>
      error instanceof ValidationError && error.message === "method linear needs numbers: label is string",
  );
});

test("empty primary, empty baseline and a primary time of NaN", async () => {
  const { primary, baseline } = generated(7, 40, 8);
  const none = new Table({ seq_num: new Int32Array(0), time: new Float64Array(0) });
  const emptyBaseline = new Table({
    time: new Float64Array(0),
    temperature: new Float64Array(0),
    counts: new Int32Array(0),
  });
  const cases: Case[] = [];
  for (const method of ALIGN_METHODS) {
    const numbers = baseline.select(["time", "temperature", "counts"]);
    cases.push(alignCase(none, numbers, { method }, "empty primary"));
    cases.push(alignCase(primary, emptyBaseline, { method }, "empty baseline"));
  }
  await checkCases(cases);
  const withNaN = new Table({ time: Float64Array.of(1001, Number.NaN, 1002) });
  const out = align(withNaN, baseline.select(["time", "counts"]), { method: "nearest" });
  assert.ok(Number.isNaN((out.column("other.counts") as Float64Array)[1]));
});

test("chunk by chunk gives the same rows as the whole", async () => {
  const { primary, baseline } = generated(8, 250, 20);
  const whole = align(primary, baseline, { method: "nearest", prefix: "baseline" });
  async function* chunks() {
    for (let from = 0; from < primary.length; from += 64) {
      const to = Math.min(primary.length, from + 64);
      yield new Table({
        seq_num: (primary.column("seq_num") as Int32Array).subarray(from, to),
        time: (primary.column("time") as Float64Array).subarray(from, to),
      });
    }
  }
  const rows = [];
  for await (const chunk of alignChunks(chunks(), baseline, { method: "nearest", prefix: "baseline" }))
    rows.push(...chunk.toRows());
  assert.deepEqual(rows, whole.toRows());
});

test("methods as text: a default and field=method items", () => {
  assert.deepEqual(parseMethods("nearest"), { method: "nearest", methods: {} });
  assert.deepEqual(parseMethods("previous, temp = linear,shutter=next"), {
    method: "previous",
    methods: { temp: "linear", shutter: "next" },
  });
  assert.deepEqual(parseMethods("temp=linear"), { methods: { temp: "linear" } });
  assert.throws(() => parseMethods("nearest,previous"), /one default only/);
  assert.throws(() => parseMethods("temp=closest"), {
    message:
      'method "temp=closest": use previous, next, nearest, linear, or field=method items separated by commas',
  });
});

test("bad options name the option and the rule", () => {
  const { primary, baseline } = generated(9, 5, 5);
  assert.throws(() => align(primary, baseline, { method: "closest" as AlignMethod }), {
    message: 'method must be one of previous, next, nearest, linear, got "closest"',
  });
  assert.throws(() => align(primary, baseline, { tolerance: -1 }), {
    message: "tolerance must be a number of seconds, 0 or more, got -1",
  });
  assert.throws(
    () => align(primary, baseline, { prefix: "x", methods: { nope: "next" } }),
    /methods names nope/,
  );
});

test("real runs: each reference run's baseline aligned onto its primary equals merge_asof and numpy.interp", async () => {
  const runs = [
    ...(await runsOf("apstools/tests/usaxs.json")),
    ...(await runsOf("apstools/440_specwriter_problem_run")),
  ];
  const store = new MemoryStore();
  for (const documents of runs) await store.put(documents);
  const broker = new Broker(store);
  let checked = 0;
  const cases: Case[] = [];
  try {
    for (const documents of runs) {
      const run = await broker.run((documents[0][1] as RunStart).uid);
      const names = run.streamNames;
      if (!names.includes("baseline") || !names.includes("primary")) continue;
      const primary = await run.stream("primary").read();
      const baseline = await run.stream("baseline").read();
      if (primary.length === 0) continue;
      for (const method of ["previous", "next", "nearest"] as const)
        cases.push(alignCase(primary, baseline, { method }, `run ${run.uid.slice(0, 8)}`));
      const numbers = baseline.columnNames.filter(
        (name) => name !== "seq_num" && baseline.columns[name] instanceof Float64Array,
      );
      cases.push(
        alignCase(
          primary,
          baseline.select(["time", ...numbers]),
          { method: "linear" },
          `run ${run.uid.slice(0, 8)}`,
        ),
      );
      checked++;
    }
  } finally {
    await broker.close();
  }
  await checkCases(cases);
  assert.ok(checked >= 3, `only ${checked} runs with primary and baseline`);
});
