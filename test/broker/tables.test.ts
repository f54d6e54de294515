// Streams read as Tables, chunks, timestamps and NDArrays on every adapter, checked against the events of the
// documents themselves: real USAXS runs (strings, integer and char-array fields, 7999-channel spectra), two
// descriptors in one stream, a run without stop, a failed run's empty stream, and a large paged run.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { BrokerLike } from "../../src/broker/BrokerLike.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DataKey, DocumentPair, EventDescriptor, RunStart } from "../../src/documents/types.ts";
import { NotFoundError, ValidationError } from "../../src/errors.ts";
import { cellValue } from "../../src/tables/Column.ts";
import { isNDArray, toNested } from "../../src/tables/NDArray.ts";
import { concatenate } from "../../src/tables/stack.ts";
import type { Table } from "../../src/tables/Table.ts";
import { renderFixture } from "../assets/fixtures.ts";
import { largeRun } from "../storage/syntheticRuns.ts";
import { ADAPTERS, brokerWith, closeAll, plain, runsOf, storeOf, streamEvents } from "./catalogs.ts";

/** Every cell of a column, as plain values. */
function cells(table: Table, name: string): unknown[] {
  return Array.from({ length: table.length }, (_, row) => plain(cellValue(table.column(name), row)));
}

/** The stream's table holds exactly its events' seq_num, time and data, in seq_num order. */
function assertTableMatchesEvents(table: Table, documents: DocumentPair[], stream: string, fields: string[]) {
  const events = streamEvents(documents, stream);
  assert.equal(table.length, events.length, `${stream}: rows`);
  assert.deepEqual(table.columnNames, ["seq_num", "time", ...fields]);
  assert.deepEqual(
    cells(table, "seq_num"),
    events.map((event) => event.seq_num),
  );
  assert.deepEqual(
    cells(table, "time"),
    events.map((event) => event.time),
  );
  for (const field of fields) {
    assert.deepEqual(
      cells(table, field),
      events.map((event) => event.data[field]),
      `${stream}.${field}`,
    );
  }
}

/** A run whose primary stream has two descriptors whose events interleave: seq 1, 3, 5 and 2, 4. */
function interleavedRun(): DocumentPair[] {
  const run = composeRun({ plan_name: "interleaved" }, { time: 1_600_000_000 });
  const number: DataKey = { dtype: "number", shape: [], source: "sim" };
  const a = run.composeDescriptor({
    name: "primary",
    data_keys: { x: number, label: { ...number, dtype: "string" } },
  });
  const b = run.composeDescriptor({
    name: "primary",
    data_keys: { x: number, label: { ...number, dtype: "string" } },
  });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", a.descriptor],
    ["descriptor", b.descriptor],
  ];
  for (const seq of [1, 2, 3, 4, 5]) {
    const stream = seq % 2 ? a : b;
    const event = stream.composeEvent({
      seq_num: seq,
      time: 1_600_000_000 + seq,
      data: { x: seq * 10, label: `event ${seq}` },
      timestamps: { x: 1, label: 1 },
    });
    documents.push(["event", event]);
  }
  documents.push(["stop", run.composeStop()]);
  return documents;
}

for (const adapter of ADAPTERS) {
  describe(`Stream tables (${adapter.name})`, () => {
    let broker: BrokerLike;
    let usaxs: DocumentPair[][];
    let apstools: DocumentPair[][];
    let failed: DocumentPair[];
    let twoDescriptors: DocumentPair[];
    let interleaved: DocumentPair[];
    let large: { uid: string; documents: DocumentPair[] };

    before(async () => {
      usaxs = await runsOf("apstools/tests/usaxs.json");
      apstools = await runsOf("apstools/tests/apstools.json");
      [failed] = await runsOf("apstools/callbacks-tests/uid-b31e8698.json");
      twoDescriptors = renderFixture("internal_events.json", "/unused").map(
        ({ name, doc }) => [name, doc] as DocumentPair,
      );
      interleaved = interleavedRun();
      large = largeRun(7, 300);
      broker = await brokerWith(adapter, [
        ...usaxs,
        ...apstools,
        failed,
        twoDescriptors,
        interleaved,
        large.documents,
      ]);
    });
    after(() => closeAll(broker));

    test("every stream of the USAXS runs reads back as its events, fields typed by their data keys", async () => {
      let checked = 0;
      for (const documents of usaxs) {
        const start = documents[0][1] as RunStart;
        const run = await broker.run(start.uid);
        for (const name of run.streamNames) {
          const stream = run.stream(name);
          const table = await stream.read();
          assertTableMatchesEvents(table, documents, name, stream.fields);
          for (const [field, dataKey] of Object.entries(stream.dataKeys)) {
            const column = table.column(field);
            // Typed as declared where every value fits; real data also has booleans in integer fields.
            const values = streamEvents(documents, name).map((event) => event.data[field]);
            const numbers = values.every((value) => typeof value === "number");
            if (dataKey.dtype === "number" && numbers) assert.ok(column instanceof Float64Array, field);
            if (dataKey.dtype === "integer" && values.every(Number.isInteger))
              assert.ok(column instanceof BigInt64Array, field);
            if (!numbers && dataKey.dtype !== "array") assert.ok(Array.isArray(column), field);
            if (dataKey.dtype === "string")
              assert.ok(Array.isArray(column) && column.every((v) => typeof v === "string"), field);
            if (dataKey.dtype === "array") assert.ok(isNDArray(column), field);
          }
          checked++;
        }
      }
      assert.equal(checked, 19);
    });

    test("USAXS baseline strings and 1024-character arrays; the 7999-channel spectra as NDArrays", async () => {
      const documents = usaxs.find((run) => (run[0][1] as RunStart).uid.startsWith("19965989"))!;
      const run = await broker.run("19965989");
      const baseline = await run
        .stream("baseline")
        .read({ fields: ["terms_SAXS_base_dir", "terms_Imaging_title"] });
      const events = streamEvents(documents, "baseline");
      const dir = baseline.column("terms_SAXS_base_dir");
      assert.ok(isNDArray(dir));
      assert.deepEqual(dir.shape, [2, 1024]);
      assert.deepEqual(
        toNested(dir),
        events.map((event) => event.data.terms_SAXS_base_dir),
      );
      const strings = Object.entries(run.stream("baseline").dataKeys).filter(
        ([, key]) => key.dtype === "string",
      );
      assert.ok(strings.length > 10);
      const text = await run.stream("baseline").read({ fields: strings.map(([field]) => field) });
      for (const [field] of strings)
        assert.deepEqual(
          text.column(field),
          events.map((event) => event.data[field]),
        );

      const mcaEvents = streamEvents(documents, "mca");
      const spectra = [];
      for (const channel of [1, 2, 3]) {
        const spectrum = await run.stream("mca").field(`struck_mca${channel}_spectrum`);
        assert.deepEqual(spectrum.shape, [1, 7999]);
        assert.equal(spectrum.dtype, "float64");
        spectra.push(spectrum);
      }
      const all = concatenate(spectra);
      assert.deepEqual(all.shape, [3, 7999]);
      assert.deepEqual(
        toNested(all),
        [1, 2, 3].map((channel) => mcaEvents[0].data[`struck_mca${channel}_spectrum`]),
      );
    });

    test("two descriptors in one stream merge in seq_num order, also when their events interleave", async () => {
      const fixture = await broker.run((twoDescriptors[0][1] as RunStart).uid);
      assert.equal(fixture.stream("primary").descriptors.length, 2);
      const table = await fixture.stream("primary").read();
      assertTableMatchesEvents(table, twoDescriptors, "primary", ["det", "empty", "long"]);
      assert.deepEqual((await fixture.stream("primary").field("long")).shape, [3, 8]);
      assert.deepEqual((await fixture.stream("primary").field("empty")).shape, [3, 0]);

      const run = await broker.run((interleaved[0][1] as RunStart).uid);
      const merged = await run.stream("primary").read();
      assert.deepEqual(Array.from(merged.column("seq_num") as Int32Array), [1, 2, 3, 4, 5]);
      assert.deepEqual(Array.from(merged.column("x") as Float64Array), [10, 20, 30, 40, 50]);
      assert.deepEqual(
        merged.column("label"),
        [1, 2, 3, 4, 5].map((seq) => `event ${seq}`),
      );
      const chunked = [];
      for await (const chunk of run.stream("primary").chunks({ size: 2 })) chunked.push(chunk.toRows());
      assert.deepEqual(chunked.flat(), merged.toRows());
      assert.deepEqual(
        chunked.map((rows) => rows.length),
        [2, 2, 1],
      );
      const middle = await run.stream("primary").read({ seq: [2, 5], fields: ["x"] });
      assert.deepEqual(Array.from(middle.column("x") as Float64Array), [20, 30, 40]);
    });

    test("a run without stop reads what exists; a failed run's empty stream is an empty typed table", async () => {
      const live = composeRun({ plan_name: "live" });
      const stream = live.composeDescriptor({
        name: "primary",
        data_keys: { x: { dtype: "number", shape: [], source: "sim" } },
      });
      const event = (x: number) =>
        ["event", stream.composeEvent({ data: { x }, timestamps: { x: 1 } })] as DocumentPair;
      await storeOf(broker).put([
        ["start", live.start],
        ["descriptor", stream.descriptor],
        event(1),
        event(2),
      ]);
      const run = await broker.run(live.start.uid);
      assert.equal(run.stop, null);
      assert.deepEqual(Array.from((await run.stream("primary").read()).column("x") as Float64Array), [1, 2]);
      await storeOf(broker).put([event(3), event(4), event(5)]);
      assert.deepEqual(Array.from((await run.stream("primary").field("x")).data), [1, 2, 3, 4, 5]);
      assert.deepEqual((await run.summary()).events, { primary: 5 });

      // apstools' run without stop has a descriptor and no event: an empty table of its external key.
      const open = apstools.find(
        (documents) =>
          !documents.some(([name]) => name === "stop") && documents.some(([name]) => name === "descriptor"),
      )!;
      const unfinished = await broker.run((open[0][1] as RunStart).uid);
      assert.equal(unfinished.stop, null);
      const nothing = await unfinished.stream("primary").read({ fill: true });
      assert.deepEqual(nothing.columnNames, ["seq_num", "time", "adsimdet_image"]);
      assert.equal(nothing.length, 0);

      const failedRun = await broker.run((failed[0][1] as RunStart).uid);
      assert.equal(failedRun.stop?.exit_status, "fail");
      const empty = await failedRun.stream("primary").read();
      assert.equal(empty.length, 0);
      const dataKeys = failed.find(
        ([name, doc]) => name === "descriptor" && (doc as EventDescriptor).name === "primary",
      )![1] as EventDescriptor;
      assert.deepEqual(empty.columnNames, ["seq_num", "time", ...Object.keys(dataKeys.data_keys)]);
      for (const [field, dataKey] of Object.entries(dataKeys.data_keys)) {
        const column = empty.column(field);
        if (dataKey.dtype === "number")
          assert.ok(column instanceof Float64Array && column.length === 0, field);
      }
      assert.deepEqual(await failedRun.stream("primary").field(Object.keys(dataKeys.data_keys)[0]), {
        shape: [0],
        dtype: "float64",
        data: new Float64Array(0),
      });
      const chunks = [];
      for await (const chunk of failedRun.stream("primary").chunks({ size: 10 })) chunks.push(chunk);
      assert.equal(chunks.length, 0);
    });

    test("chunks of a paged run: fixed sizes, the same rows as read(), seq ranges and field choice", async () => {
      const stream = (await broker.run(large.uid)).stream("primary");
      const whole = await stream.read();
      assert.equal(whole.length, 2100);
      assert.deepEqual(
        Array.from(whole.column("a") as Float64Array),
        Array.from({ length: 2100 }, (_, i) => i),
      );
      const c = whole.column("c");
      assert.ok(isNDArray(c));
      assert.deepEqual(c.shape, [2100, 2]);
      const sizes: number[] = [];
      let row = 0;
      for await (const chunk of stream.chunks({ size: 500 })) {
        sizes.push(chunk.length);
        assert.deepEqual(chunk.toRows(), whole.toRows().slice(row, row + chunk.length));
        row += chunk.length;
      }
      assert.deepEqual(sizes, [500, 500, 500, 500, 100]);
      const ranged = [];
      for await (const chunk of stream.chunks({ size: 64, seq: { from: 100, to: 400 }, fields: ["b"] })) {
        assert.deepEqual(chunk.columnNames, ["seq_num", "time", "b"]);
        ranged.push(...(chunk.column("seq_num") as Int32Array));
      }
      assert.deepEqual(
        ranged,
        Array.from({ length: 300 }, (_, i) => 100 + i),
      );
      await assert.rejects(stream.chunks({ size: 0 }).next(), ValidationError);
    });

    test("timestamps, seq ranges, unknown fields and streams", async () => {
      const documents = usaxs.find((run) => streamEvents(run, "primary").length === 35)!;
      const run = await broker.run((documents[0][1] as RunStart).uid);
      const stream = run.stream("primary");
      const events = streamEvents(documents, "primary");
      const field = stream.fields[0];
      const stamps = await stream.timestamps({ fields: [field] });
      assert.deepEqual(
        Array.from(stamps.column(field) as Float64Array),
        events.map((event) => event.timestamps[field]),
      );
      const part = await stream.read({ seq: [5, 9], fields: [field] });
      assert.deepEqual(cells(part, "seq_num"), [5, 6, 7, 8]);
      assert.deepEqual(
        cells(part, field),
        events.slice(4, 8).map((event) => event.data[field]),
      );
      await assert.rejects(stream.read({ fields: ["no_such_field"] }), NotFoundError);
      assert.throws(() => run.stream("no_such_stream"), NotFoundError);
    });
  });
}
