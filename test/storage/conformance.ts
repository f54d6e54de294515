// The one conformance suite every Store adapter passes: real runs in and out, idempotence, conflicts, atomic
// batches, partial and live runs, references, a million events, value fidelity, lookups and queries, and the
// access records (accessConformance.ts), annotations (annotationConformance.ts) and fuzzy search
// (fuzzyConformance.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { unpackEventPage } from "../../src/documents/pages.ts";
import type {
  DocumentPair,
  Event,
  EventDescriptor,
  EventPage,
  RunStart,
  StreamDatum,
  StreamResource,
} from "../../src/documents/types.ts";
import { ConflictError, NotFoundError, SearchTimeoutError, ValidationError } from "../../src/errors.ts";
import { matches } from "../../src/queries/matches.ts";
import type { Query } from "../../src/queries/Query.ts";
import { SearchDeadline } from "../../src/queries/SearchDeadline.ts";
import type { ColumnReadOptions } from "../../src/storage/ColumnPage.ts";
import type { Store } from "../../src/storage/Store.ts";
import { accessConformance } from "./accessConformance.ts";
import { annotationConformance } from "./annotationConformance.ts";
import { dataSearchConformance } from "./dataSearchConformance.ts";
import { fieldStatsConformance } from "./fieldStatsConformance.ts";
import { fuzzyConformance } from "./fuzzyConformance.ts";
import { liveConformance } from "./liveConformance.ts";
import { realRuns } from "./realRuns.ts";
import { collect, eventsFromColumns, eventsOf } from "./storeHelpers.ts";
import { EDGE_FLOATS, fidelityRun, largeRun, smallRun } from "./syntheticRuns.ts";

type Open = () => Promise<Store>;

async function withStore<T>(open: Open, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await open();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Events without an empty `filled` (a column page cannot tell an empty `filled` from none). */
function comparable(event: Event): Event {
  if (event.filled && Object.keys(event.filled).length === 0) {
    const { filled: _, ...rest } = event;
    return rest;
  }
  return event;
}

async function assertRunReadsBack(store: Store, uid: string, documents: DocumentPair[]): Promise<void> {
  assert.deepEqual(await collect(store.documents(uid)), documents, `replay of ${uid}`);
  const start = documents.find(([name]) => name === "start")![1] as RunStart;
  assert.deepEqual(await store.start(uid), start);
  assert.deepEqual(await store.findRun(uid), start);
  const stop = documents.find(([name]) => name === "stop")?.[1];
  assert.deepEqual(await store.stop(uid), stop);
  const descriptors = documents
    .filter(([name]) => name === "descriptor")
    .map(([, doc]) => doc as EventDescriptor);
  assert.deepEqual(await store.descriptors(uid), descriptors);
  // Columns give back every event of each stream, in seq_num order.
  const events = eventsOf(documents);
  const streams = new Map<string, string[]>();
  for (const descriptor of descriptors) {
    const name = descriptor.name ?? "primary";
    streams.set(name, [...(streams.get(name) ?? []), descriptor.uid]);
  }
  const [summary] = await collect(store.runs({ op: "eq", key: "uid", value: uid }));
  for (const [name, uids] of streams) {
    const expected = events
      .filter((event) => uids.includes(event.descriptor))
      .sort((a, b) => a.seq_num - b.seq_num)
      .map(comparable);
    const fromColumns = eventsFromColumns(await collect(store.columns(uids))).map(comparable);
    assert.deepEqual(fromColumns, expected, `columns of stream ${name} of ${uid}`);
    assert.equal(summary.streams[name], expected.length, `event count of stream ${name}`);
  }
  for (const [name, resource] of documents.filter(([kind]) => kind === "resource")) {
    assert.equal(name, "resource");
    const datums = documents
      .filter(([kind, doc]) => (kind === "datum" || kind === "datum_page") && doc.resource === resource.uid)
      .flatMap(([kind, doc]) =>
        kind === "datum" ? [doc.datum_id] : (doc as { datum_id: string[] }).datum_id,
      );
    const stored = (await collect(store.datums(resource.uid))).flatMap((page) => page.datum_id);
    assert.deepEqual(stored, datums, `datums of resource ${resource.uid}`);
    assert.deepEqual(await store.resource(resource.uid), resource);
    assert.equal(await store.runOf(resource.uid), uid, `run of resource ${resource.uid}`);
  }
  for (const descriptor of descriptors)
    assert.equal(await store.runOf(descriptor.uid), uid, "run of a descriptor");
  assert.equal(await store.runOf("no-such-document"), undefined);
  const streamResources = documents
    .filter(([kind]) => kind === "stream_resource")
    .map(([, doc]) => doc as StreamResource);
  assert.deepEqual(await store.streamResources(uid), streamResources);
  for (const streamResource of streamResources) {
    const streamDatums = documents
      .filter(
        ([kind, doc]) =>
          kind === "stream_datum" && (doc as StreamDatum).stream_resource === streamResource.uid,
      )
      .map(([, doc]) => doc);
    assert.deepEqual(await collect(store.streamDatums(streamResource.uid)), streamDatums);
    assert.equal(await store.runOf(streamResource.uid), uid, "run of a stream resource");
  }
}

function withoutLast(documents: DocumentPair[]): DocumentPair[] {
  return documents.slice(0, -1);
}

async function assertNothingOf(store: Store, uid: string): Promise<void> {
  assert.equal(await store.start(uid), undefined);
  assert.equal(await store.count(), 0);
  await assert.rejects(collect(store.documents(uid)), NotFoundError);
}

/**
 * `persistent`: the catalog outlives its store, and reopens (read-only too) from the store's uri;
 * `memoryStats`: statistics put after ingest do not (the files catalog).
 */
export function storeConformance(
  name: string,
  open: Open,
  options: { persistent?: boolean; memoryStats?: boolean; live?: boolean; otherWriters?: boolean } = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    if (options.live !== false) liveConformance(open, options);
    accessConformance(open, options);
    annotationConformance(open, options);
    dataSearchConformance(open);
    fuzzyConformance(open);
    fieldStatsConformance(open, { persistent: options.persistent && !options.memoryStats });

    test("every real run in ../shared/data is stored, read back and replayed deep-equal", async () => {
      const runs = await realRuns();
      assert.ok(runs.length >= 90, `found ${runs.length} real runs`);
      await withStore(open, async (store) => {
        for (const run of runs.filter((candidate) => !candidate.isolated)) {
          const report = await store.put(run.documents);
          assert.equal(report.stored, run.documents.length, `${run.source} ${run.uid}`);
          assert.deepEqual(report.runs, [run.uid]);
          await assertRunReadsBack(store, run.uid, run.documents);
        }
        assert.equal(await store.count(), runs.filter((run) => !run.isolated).length);
      });
      for (const run of runs.filter((candidate) => candidate.isolated)) {
        await withStore(open, async (store) => {
          await store.put(run.documents);
          await assertRunReadsBack(store, run.uid, run.documents);
        });
      }
    });

    test("re-ingesting identical documents is a no-op counted as skipped", async () => {
      const [usaxs] = (await realRuns()).filter((run) => run.source.endsWith("usaxs.json"));
      await withStore(open, async (store) => {
        await store.put(usaxs.documents);
        const again = await store.put(usaxs.documents);
        assert.deepEqual(
          { stored: again.stored, skipped: again.skipped, events: again.events },
          { stored: 0, skipped: usaxs.documents.length, events: 0 },
        );
        await assertRunReadsBack(store, usaxs.uid, usaxs.documents);
        // Half old, half new: only the new half is stored.
        const { uid, documents } = smallRun({ plan_name: "split" }, 6);
        await store.put(documents.slice(0, 5));
        const rest = await store.put(documents);
        assert.equal(rest.skipped, 5);
        assert.equal(rest.stored, documents.length - 5);
        await assertRunReadsBack(store, uid, documents);
      });
    });

    test("a different document under a stored uid is a conflict naming both", async () => {
      await withStore(open, async (store) => {
        const { uid, documents, stream } = smallRun({ plan_name: "original" });
        await store.put(documents);
        const changed = structuredClone(stream.descriptor);
        changed.data_keys.x.shape = [3];
        await assert.rejects(store.put([["descriptor", changed]]), (error: Error) => {
          assert.ok(error instanceof ConflictError);
          assert.match(error.message, new RegExp(`descriptor ${changed.uid}.*descriptor ${changed.uid}`));
          assert.match(error.message, /data_keys\.x\.shape\[0\]/);
          return true;
        });
        // A start reusing the descriptor's uid: both kinds named.
        const impostor = { ...(documents[0][1] as RunStart), uid: stream.descriptor.uid };
        await assert.rejects(store.put([["start", impostor]]), /start .* conflicts with the descriptor/);
        // An event with the stored event's seq_num but another value.
        const event = structuredClone(documents[2][1] as Event);
        event.data.x = 99;
        await assert.rejects(store.put([["event", event]]), (error: Error) => {
          assert.ok(error instanceof ConflictError);
          assert.match(
            error.message,
            new RegExp(`event ${event.uid} .*seq_num ${event.seq_num}.*stored event ${event.uid}`),
          );
          assert.match(error.message, /data\.x differs \(stored 0, new 99\)/);
          return true;
        });
        // A second, different stop.
        const otherStop = { ...(documents.at(-1)![1] as Record<string, unknown>), uid: "another-stop-uid" };
        await assert.rejects(store.put([["stop", otherStop as never]]), ConflictError);
        await assertRunReadsBack(store, uid, documents);
      });
    });

    test("a batch is atomic: a bad document at its end leaves nothing stored", async () => {
      await withStore(open, async (store) => {
        const { uid, documents } = smallRun({ plan_name: "atomic" });
        const bad = structuredClone(documents.at(-1)!) as DocumentPair;
        (bad[1] as unknown as Record<string, unknown>).exit_status = "exploded";
        await assert.rejects(store.put([...withoutLast(documents), bad]), (error: Error) => {
          assert.ok(error instanceof ValidationError);
          assert.ok(error.findings.some((finding) => finding.doc_index === documents.length - 1));
          return true;
        });
        await assertNothingOf(store, uid);
        // A conflict discovered at the end of a batch also rolls everything back.
        const first = smallRun({ plan_name: "first" });
        await store.put(first.documents);
        const second = smallRun({ plan_name: "second" });
        const clash = structuredClone(first.stream.descriptor);
        clash.data_keys.x.source = "elsewhere";
        await assert.rejects(store.put([...second.documents, ["descriptor", clash]]), ConflictError);
        assert.equal(await store.start(second.uid), undefined);
        assert.equal(await store.count(), 1);
      });
    });

    test("a rejection lists each finding once, in document order; a stored run each warning once", async () => {
      await withStore(open, async (store) => {
        const { documents } = smallRun({ plan_name: "findings" }, 4);
        const broken = structuredClone(documents) as DocumentPair[];
        const events = broken.filter(([name]) => name === "event").map(([, doc]) => doc as Event);
        events[2].uid = events[0].uid;
        events[3].seq_num = 9;
        (broken.at(-1)![1] as unknown as Record<string, unknown>).exit_status = "exploded";
        await assert.rejects(store.put(broken), (error: Error) => {
          assert.ok(error instanceof ValidationError);
          const seen = error.findings.map(({ doc_index, path, rule }) => `${doc_index} ${path} ${rule}`);
          const at = (event: Event) => broken.findIndex(([, doc]) => doc === event);
          assert.deepEqual(seen, [
            `${at(events[2])} uid duplicate-uid`,
            `${at(events[3])} seq_num seq_num-gap`,
            `${broken.length - 1} exit_status enum`,
          ]);
          return true;
        });
        // A failed run is stored, with its warning once.
        const failed = smallRun({ plan_name: "failed" }, 2);
        (failed.documents.at(-1)![1] as unknown as Record<string, unknown>).exit_status = "fail";
        const report = await store.put(failed.documents);
        assert.deepEqual(
          report.warnings.map((warning) => warning.rule),
          ["exit-status"],
        );
      });
    });

    test("a run without a stop is readable, and its stop may come later", async () => {
      await withStore(open, async (store) => {
        const { uid, documents } = smallRun({ plan_name: "live" }, 5);
        const stop = documents.at(-1)!;
        // Live acquisition: start and descriptor, then events in two batches, then the stop.
        await store.put(documents.slice(0, 2));
        await store.put(documents.slice(2, 4));
        const partial = await store.put(documents.slice(4, -1));
        assert.deepEqual(partial.runs, [uid]);
        assert.equal(await store.stop(uid), undefined);
        const [summary] = await collect(store.runs({ op: "eq", key: "uid", value: uid }));
        assert.equal(summary.stop, null);
        assert.equal(summary.streams.primary, 5);
        assert.deepEqual(await collect(store.documents(uid)), withoutLast(documents));
        const report = await store.put([stop]);
        assert.equal(report.stored, 1);
        await assertRunReadsBack(store, uid, documents);
      });
    });

    test("an event before its descriptor is an order error, as validate reports it, not a seq_num gap", async () => {
      await withStore(open, async (store) => {
        const { documents } = smallRun({ plan_name: "misordered" }, 3);
        // start, event 1, descriptor, events 2 and 3, stop
        const misordered = [documents[0], documents[2], documents[1], ...documents.slice(3)];
        await assert.rejects(store.put(misordered), (error: Error) => {
          assert.ok(error instanceof ValidationError);
          assert.deepEqual(
            error.findings.map(({ doc_index, path, rule }) => `${doc_index} ${path} ${rule}`),
            ["1 descriptor order"],
          );
          assert.match(error.findings[0].message, /which only comes later \(document 2\)/);
          return true;
        });
        assert.equal(await store.count(), 0);
      });
    });

    test("events of an unknown descriptor and documents of an unknown run are rejected", async () => {
      await withStore(open, async (store) => {
        const { documents } = smallRun({ plan_name: "orphans" });
        const events = documents.filter(([name]) => name === "event");
        await assert.rejects(store.put(events), (error: Error) => {
          assert.ok(error instanceof ValidationError);
          assert.equal(error.findings[0].rule, "reference");
          assert.equal(error.findings[0].path, "descriptor");
          return true;
        });
        await assert.rejects(store.put([documents.at(-1)!]), (error: Error) => {
          assert.ok(error instanceof ValidationError);
          assert.deepEqual([error.findings[0].path, error.findings[0].rule], ["run_start", "reference"]);
          return true;
        });
        const datum = { datum_id: "nowhere/0", resource: "nowhere", datum_kwargs: {} };
        await assert.rejects(store.put([["datum", datum]]), /resource "nowhere" names no resource/);
        assert.equal(await store.count(), 0);
      });
    });

    test("a million events in pages read back as columns, matching the statistics", async () => {
      const { uid, documents } = largeRun(1000, 1000);
      await withStore(open, async (store) => {
        const report = await store.put(documents);
        assert.equal(report.events, 1_000_000);
        const [descriptor] = await store.descriptors(uid);
        let rows = 0;
        let sumA = 0;
        let sumB = 0;
        let expectedSeq = 1;
        for await (const page of store.columns([descriptor.uid], ["a", "b"])) {
          const a = page.data.a;
          const b = page.data.b;
          assert.equal(a.encoding, "float64");
          assert.equal(b.encoding, "float64");
          assert.equal(page.data.c, undefined, "only the fields asked for");
          assert.equal(page.seq_num[0], expectedSeq);
          expectedSeq += page.length;
          for (let i = 0; i < page.length; i++) {
            sumA += a.values[i] as number;
            sumB += b.values[i] as number;
          }
          rows += page.length;
        }
        assert.equal(rows, 1_000_000);
        const stats = await store.fieldStats(descriptor.uid);
        assert.deepEqual(
          [stats.a.count, stats.a.min, stats.a.max, stats.a.sum],
          [1_000_000, 0, 999_999, sumA],
        );
        assert.ok(Math.abs(stats.b.sum! - sumB) < 1e-6, `sum of b: ${stats.b.sum} vs ${sumB}`);
        assert.deepEqual(stats.c, {
          events: 1_000_000,
          count: 2_000_000,
          min: -999_999,
          max: 999_999,
          sum: 0,
          shape: [2],
          // Each event is [i, -i]: every event's own sum and mean is 0.
          sumMin: 0,
          sumMax: 0,
          meanMin: 0,
          meanMax: 0,
          indexed: true,
        });
        // A seq_num range is cut out of the pages that hold it.
        const slice = await collect(store.columns([descriptor.uid], ["c"], { from: 1500, to: 2600 }));
        const sliced = eventsFromColumns(slice);
        assert.equal(sliced.length, 1100);
        assert.deepEqual(sliced[0].data.c, [1499, -1499]);
        assert.equal(sliced.at(-1)!.seq_num, 2599);
        const [summary] = await collect(store.runs({ op: "eq", key: "uid", value: uid }));
        assert.equal(summary.streams.primary, 1_000_000);
      });
    });

    test("a read of some parts returns those parts of a full read, uids only when asked", async () => {
      const large = largeRun(40, 25);
      const fidelity = fidelityRun();
      await withStore(open, async (store) => {
        await store.put(large.documents);
        await store.put(fidelity.documents);
        for (const uid of [large.uid, fidelity.uid]) {
          const [descriptor] = await store.descriptors(uid);
          const full = await collect(store.columns([descriptor.uid]));
          const reads: Array<[string[] | undefined, ColumnReadOptions]> = [
            [undefined, { parts: ["data"], uids: false }],
            [undefined, { parts: ["timestamps"] }],
            [undefined, { parts: [], uids: false }],
            [Object.keys(full[0].data).slice(0, 2), { parts: ["data", "timestamps"], uids: false }],
          ];
          for (const [fields, options] of reads) {
            const pages = await collect(store.columns([descriptor.uid], fields, undefined, options));
            const expected = full.map((page) => {
              const only = (role: "data" | "timestamps" | "filled") =>
                options.parts?.includes(role)
                  ? Object.fromEntries(
                      Object.entries(page[role]).filter(([key]) => !fields || fields.includes(key)),
                    )
                  : {};
              const { uid: uids, ...rest } = page;
              return {
                ...rest,
                ...(options.uids !== false && { uid: uids }),
                data: only("data"),
                timestamps: only("timestamps"),
                filled: only("filled"),
              };
            });
            assert.deepEqual(pages, expected, `${JSON.stringify(options)} of ${fields ?? "all fields"}`);
            if (options.uids === false) assert.ok(pages.every((page) => page.uid === undefined));
          }
        }
      });
    });

    test("values round-trip exactly: floats bit for bit, ints, NaN and Infinity, strings, nested and mixed", async () => {
      const { uid, documents } = fidelityRun();
      await withStore(open, async (store) => {
        await store.put(documents);
        const replayed = await collect(store.documents(uid));
        assert.deepEqual(replayed, documents);
        const floats = eventsOf(replayed).map((event) => event.data.float as number);
        assert.deepEqual(
          new BigUint64Array(Float64Array.from(floats).buffer),
          new BigUint64Array(Float64Array.from(EDGE_FLOATS).buffer),
        );
        const [descriptor] = await store.descriptors(uid);
        const pages = await collect(store.columns([descriptor.uid]));
        assert.equal(pages.length, 1, "consecutive single events share one page");
        const { data } = pages[0];
        assert.equal(data.float.encoding, "float64");
        assert.deepEqual(data.nested.shape, [EDGE_FLOATS.length, 2, 2]);
        assert.equal(data.mixed.encoding, "values", "a mixed-type field falls back to generic values");
        assert.equal(data.ragged.encoding, "values");
        assert.deepEqual(eventsFromColumns(pages), eventsOf(documents));
        const stats = await store.fieldStats(descriptor.uid);
        assert.equal(stats.special.count, EDGE_FLOATS.length - EDGE_FLOATS.length / 3, "NaN is not counted");
        assert.equal(stats.special.max, Number.POSITIVE_INFINITY);
        assert.equal(stats.ragged.shape, null);
        assert.deepEqual(stats.nested.shape, [2, 2]);
      });
    });

    test("event_pages come back as pages, single events as events, interleaved streams in their order", async () => {
      const { uid, documents } = smallRun({ plan_name: "mixed-forms" }, 0);
      const start = documents[0][1] as RunStart;
      const primary = documents[1][1] as EventDescriptor;
      const monitor: EventDescriptor = {
        uid: `${uid}-monitor`,
        run_start: start.uid,
        time: start.time,
        name: "monitor",
        data_keys: { m: { dtype: "number", shape: [], source: "sim" } },
      };
      const event = (descriptor: string, seq: number, key: string): Event => ({
        uid: `${descriptor}-${seq}`,
        descriptor,
        seq_num: seq,
        time: start.time + seq,
        data: { [key]: seq * 1.5 },
        timestamps: { [key]: start.time },
      });
      const page = {
        uid: [`${primary.uid}-p3`, `${primary.uid}-p4`],
        descriptor: primary.uid,
        seq_num: [3, 4],
        time: [3, 4],
        data: { x: [3, 4] },
        timestamps: { x: [1, 1] },
      };
      const sequence: DocumentPair[] = [
        documents[0],
        documents[1],
        ["descriptor", monitor],
        ["event", event(primary.uid, 1, "x")],
        ["event", event(monitor.uid, 1, "m")],
        ["event", event(primary.uid, 2, "x")],
        ["event", event(monitor.uid, 2, "m")],
        ["event_page", page],
        ["event", event(primary.uid, 5, "x")],
        documents.at(-1)!,
      ];
      await withStore(open, async (store) => {
        await store.put(sequence);
        assert.deepEqual(await collect(store.documents(uid)), sequence);
        const primaryEvents = eventsFromColumns(await collect(store.columns([primary.uid])));
        assert.deepEqual(
          primaryEvents.map((e) => e.seq_num),
          [1, 2, 3, 4, 5],
        );
        assert.deepEqual(primaryEvents.slice(2, 4), unpackEventPage(page));
      });
    });

    test("bulk documents come back as pages; an old resource without run_start joins the run around it", async () => {
      const { uid, stream, documents } = smallRun({ plan_name: "legacy" }, 0);
      const events: Event[] = [1, 2, 3].map((x) => ({
        uid: `${uid}-event-${x}`,
        descriptor: stream.descriptor.uid,
        seq_num: x,
        time: 1_700_000_000 + x,
        data: { x },
        timestamps: { x: 1 },
      }));
      const resource = {
        uid: `${uid}-resource`,
        spec: "NPY_SEQ",
        root: "/data",
        resource_path: "scan",
        resource_kwargs: {},
      };
      const bulkDatum = {
        resource: resource.uid,
        datum_ids: [`${resource.uid}/0`, `${resource.uid}/1`],
        datum_kwarg_list: [{ index: 0 }, { index: 1 }],
      };
      const stop = documents.at(-1)!;
      await withStore(open, async (store) => {
        await store.put(documents.slice(0, 2));
        // A continuation batch: no start, a resource with no run_start, bulk documents.
        await store.put([
          ["resource", resource as never],
          ["bulk_datum", bulkDatum],
          ["bulk_events", { [stream.descriptor.uid]: events }],
          stop,
        ]);
        assert.deepEqual(await store.resources(uid), [resource]);
        const replayed = await collect(store.documents(uid));
        assert.deepEqual(
          replayed.map(([name]) => name),
          ["start", "descriptor", "resource", "datum_page", "event_page", "stop"],
        );
        assert.deepEqual(replayed[3][1], {
          resource: resource.uid,
          datum_id: bulkDatum.datum_ids,
          datum_kwargs: { index: [0, 1] },
        });
        assert.deepEqual(unpackEventPage(replayed[4][1] as EventPage), events);
      });
    });

    test("two readers may walk the same stream at once", async () => {
      const { uid, documents } = largeRun(4, 10);
      await withStore(open, async (store) => {
        await store.put(documents);
        const [descriptor] = await store.descriptors(uid);
        const first = store.columns([descriptor.uid])[Symbol.asyncIterator]();
        const second = store.columns([descriptor.uid])[Symbol.asyncIterator]();
        const seen: number[] = [];
        for (let i = 0; i < 4; i++) {
          const [a, b] = [await first.next(), await second.next()];
          assert.ok(!a.done && !b.done);
          assert.deepEqual(a.value.uid, b.value.uid);
          seen.push(a.value.seq_num[0]);
        }
        assert.deepEqual(seen, [1, 11, 21, 31]);
        assert.ok((await first.next()).done);
      });
    });

    test("runs are found by uid, uid prefix, scan_id and recency", async () => {
      await withStore(open, async (store) => {
        const older = smallRun({ plan_name: "count", scan_id: 5 }, 1, 1_000);
        const newer = smallRun({ plan_name: "scan", scan_id: 5 }, 1, 2_000);
        const newest = smallRun({ plan_name: "scan", scan_id: 6 }, 1, 3_000);
        for (const run of [older, newer, newest]) await store.put(run.documents);
        assert.equal((await store.findRun(newer.uid)).uid, newer.uid);
        assert.equal((await store.findRun(newer.uid.slice(0, 8))).uid, newer.uid);
        assert.equal((await store.findRun(5)).uid, newer.uid, "the newest run with that scan_id");
        assert.equal((await store.findRun({ scan_id: 6 })).uid, newest.uid);
        assert.equal((await store.findRun(-1)).uid, newest.uid);
        assert.equal((await store.findRun(-3)).uid, older.uid);
        assert.equal((await store.findRun({ recent: 2 })).uid, newer.uid);
        await assert.rejects(store.findRun(-4), NotFoundError);
        await assert.rejects(store.findRun(99), NotFoundError);
        await assert.rejects(store.findRun("abc"), NotFoundError);
        // Twelve runs sharing a prefix: the error lists ten of them.
        for (let i = 0; i < 12; i++) {
          const uid = `ambiguous-${String(i).padStart(2, "0")}`;
          await store.put(
            smallRun({ plan_name: "same" }, 0).documents.map(([kind, doc]) => {
              const copy = structuredClone(doc) as Record<string, unknown>;
              if (kind === "start") copy.uid = uid;
              else if ("run_start" in copy) copy.run_start = uid;
              return [kind, copy] as DocumentPair;
            }),
          );
        }
        await assert.rejects(store.findRun("ambiguous-"), (error: Error) => {
          assert.ok(error instanceof ValidationError);
          assert.match(error.message, /ambiguous-00, .*ambiguous-09, \.\.\./);
          assert.doesNotMatch(error.message, /ambiguous-10/);
          return true;
        });
        assert.equal((await store.findRun("ambiguous-11")).uid, "ambiguous-11");
      });
    });

    test("queries give the answers of in-memory evaluation, with sort, limit and offset", async () => {
      const metadata: Array<Record<string, unknown>> = [
        {
          plan_name: "count",
          scan_id: 1,
          sample: { name: "Si", temperature: 300 },
          tags: ["a", "b"],
          ok: true,
        },
        { plan_name: "scan", scan_id: 2, sample: { name: "Ge", temperature: 77.5 }, tags: ["b"], ok: false },
        { plan_name: "scan", scan_id: 3, sample: "bare string", operator: null, note: "ünï" },
        { plan_name: "broken", scan_id: 4, sample: { name: "Si" }, count: "7", detail: { x: [1, 2] } },
        { plan_name: "rel_scan", scan_id: 5, sample: { name: "𝔘" }, count: 7, note: "zzz" },
      ];
      const runs = metadata.map((meta, i) => smallRun(meta, i, 1_000 + i));
      await withStore(open, async (store) => {
        for (const run of runs) await store.put(run.documents);
        const queries: Array<[Query, number[]]> = [
          [{ op: "all" }, [0, 1, 2, 3, 4]],
          [{ op: "eq", key: "plan_name", value: "scan" }, [1, 2]],
          [{ op: "eq", key: "start.plan_name", value: "scan" }, [1, 2]],
          [{ op: "eq", key: "sample.name", value: "Si" }, [0, 3]],
          [{ op: "eq", key: "count", value: 7 }, [4]],
          [{ op: "eq", key: "count", value: "7" }, [3]],
          [{ op: "eq", key: "ok", value: true }, [0]],
          [{ op: "eq", key: "ok", value: false }, [1]],
          [{ op: "eq", key: "operator", value: null }, [2]],
          [{ op: "eq", key: "start.tags", value: ["b"] }, [1]],
          [{ op: "eq", key: "detail", value: { x: [1, 2] } }, [3]],
          [{ op: "eq", key: "stop.exit_status", value: "fail" }, [3]],
          [{ op: "comparison", key: "scan_id", operator: "ge", value: 4 }, [3, 4]],
          [{ op: "comparison", key: "scan_id", operator: "lt", value: 2 }, [0]],
          [{ op: "comparison", key: "sample.temperature", operator: "gt", value: 100 }, [0]],
          [{ op: "comparison", key: "note", operator: "gt", value: "zz" }, [2, 4]],
          [{ op: "comparison", key: "note", operator: "le", value: "zzz" }, [4]],
          [{ op: "comparison", key: "sample.name", operator: "gt", value: "\uffff" }, [4]],
          [{ op: "in", key: "plan_name", values: ["count", "rel_scan", 3] }, [0, 4]],
          [{ op: "in", key: "plan_name", values: [] }, []],
          [{ op: "keyPresent", key: "operator" }, [2]],
          [{ op: "keyPresent", key: "stop" }, [0, 1, 2, 3, 4]],
          [{ op: "keyPresent", key: "sample.name" }, [0, 1, 3, 4]],
          [{ op: "not", query: { op: "keyPresent", key: "sample.name" } }, [2]],
          [{ op: "not", query: { op: "eq", key: "missing", value: 1 } }, [0, 1, 2, 3, 4]],
          [
            {
              op: "and",
              queries: [
                { op: "eq", key: "plan_name", value: "scan" },
                { op: "not", query: { op: "eq", key: "sample", value: "bare string" } },
              ],
            },
            [1],
          ],
          [
            {
              op: "or",
              queries: [
                { op: "eq", key: "scan_id", value: 1 },
                { op: "comparison", key: "time", operator: "ge", value: 1_004 },
              ],
            },
            [0, 4],
          ],
        ];
        for (const [query, expected] of queries) {
          const found = (await collect(store.runs(query))).map((summary) => summary.uid);
          const wanted = expected.map((i) => runs[i].uid).reverse();
          assert.deepEqual(found, wanted, JSON.stringify(query));
          assert.equal(await store.count(query), expected.length, JSON.stringify(query));
          // The same answers as the reference evaluation on the JSON view of each run.
          const reference = runs.filter((run) =>
            matches(query, {
              start: JSON.parse(JSON.stringify(run.documents[0][1])),
              stop: JSON.parse(JSON.stringify(run.documents.at(-1)![1])),
            }),
          );
          assert.deepEqual(new Set(found), new Set(reference.map((run) => run.uid)), JSON.stringify(query));
        }
        const page = await collect(
          store.runs({ op: "all" }, { sort: [{ key: "scan_id", direction: "asc" }], offset: 1, limit: 2 }),
        );
        assert.deepEqual(
          page.map((summary) => summary.start.scan_id),
          [2, 3],
        );
        const bySample = await collect(
          store.runs(
            { op: "all" },
            {
              sort: [
                { key: "sample.name", direction: "asc" },
                { key: "scan_id", direction: "desc" },
              ],
            },
          ),
        );
        assert.deepEqual(
          bySample.map((summary) => summary.start.scan_id),
          [3, 2, 4, 1, 5],
          "absent first, then text by code point",
        );
        assert.ok(isDeepStrictEqual(bySample[0].streams, { primary: 2 }));
      });
    });

    test("a run is deleted whole, recorded with who, when and why; the others stay; a second delete is NotFound", async () => {
      const runs = await realRuns();
      const hasDocument = (run: { documents: DocumentPair[] }, ...names: string[]) =>
        run.documents.some(([name]) => names.includes(name));
      const withDatums = runs.find((run) => !run.isolated && hasDocument(run, "datum", "datum_page"))!;
      const withStreamDatums = runs.find((run) => hasDocument(run, "stream_datum"))!;
      const kept = smallRun({ plan_name: "kept", scan_id: 7, sample: "unique-sample-word" }, 4);
      const deleted = [withDatums, withStreamDatums];
      await withStore(open, async (store) => {
        for (const run of [...deleted, kept]) await store.put(run.documents);
        await assert.rejects(store.deleteRun("no-such-run", { by: "tester" }), NotFoundError);
        for (const run of deleted) {
          const start = (await store.start(run.uid))!;
          const descriptors = (await store.descriptors(run.uid)).map((descriptor) => descriptor.uid);
          const resources = (await store.resources(run.uid)).map((resource) => resource.uid);
          const streamResources = (await store.streamResources(run.uid)).map((resource) => resource.uid);
          const before = Date.now() / 1000;
          const deletion = await store.deleteRun(run.uid, { by: "tester", reason: "conformance" });
          assert.deepEqual(
            { ...deletion, deleted_at: 0 },
            {
              uid: run.uid,
              scan_id: start.scan_id ?? null,
              plan_name: start.plan_name ?? null,
              deleted_at: 0,
              deleted_by: "tester",
              reason: "conformance",
            },
          );
          assert.ok(deletion.deleted_at >= before - 1 && deletion.deleted_at <= Date.now() / 1000 + 1);
          // Nothing of the run is left to read or to find.
          assert.equal(await store.start(run.uid), undefined);
          assert.equal(await store.stop(run.uid), undefined);
          await assert.rejects(store.findRun(run.uid), NotFoundError);
          await assert.rejects(store.descriptors(run.uid), NotFoundError);
          await assert.rejects(collect(store.documents(run.uid)), NotFoundError);
          assert.deepEqual(await collect(store.columns(descriptors)), []);
          for (const uid of descriptors) await assert.rejects(store.fieldStats(uid), NotFoundError);
          for (const uid of resources) {
            assert.equal(await store.resource(uid), undefined);
            assert.deepEqual(await collect(store.datums(uid)), []);
          }
          for (const uid of streamResources) {
            assert.equal(await store.streamResource(uid), undefined);
            assert.deepEqual(await collect(store.streamDatums(uid)), []);
          }
          assert.equal(await store.count({ op: "eq", key: "uid", value: run.uid }), 0);
          await assert.rejects(store.deleteRun(run.uid, { by: "tester" }), NotFoundError);
        }
        // The other run is untouched and still found by its words; the catalog lists it alone.
        await assertRunReadsBack(store, kept.uid, kept.documents);
        assert.equal(await store.count({ op: "fullText", text: "unique-sample-word" }), 1);
        assert.deepEqual(
          (await collect(store.runs())).map((summary) => summary.uid),
          [kept.uid],
        );
        const audit = await store.deletions();
        assert.deepEqual(
          audit.map((record) => [record.uid, record.deleted_by, record.reason]),
          deleted.map((run) => [run.uid, "tester", "conformance"]),
        );
        // Nothing of a deleted run was left behind: stored again, it is new and reads back exactly.
        const again = await store.put(withDatums.documents);
        assert.equal(again.stored, withDatums.documents.length);
        await assertRunReadsBack(store, withDatums.uid, withDatums.documents);
      });
    });

    test("catastrophic regexes answer at once; a search past its deadline throws SearchTimeoutError", async () => {
      await withStore(open, async (store) => {
        const samples = { x: "x".repeat(3000), xy: `${"x".repeat(3000)}y`, a: "a".repeat(3000) };
        for (const [label, sample] of Object.entries(samples))
          await store.put(smallRun({ plan_name: "scan", label, sample }).documents);
        const regex = (pattern: string): Query => ({
          op: "regex",
          key: "sample",
          pattern,
          caseSensitive: true,
        });
        const labels = async (pattern: string) => {
          const found = store.runs(regex(pattern), { deadline: SearchDeadline.after(60_000) });
          return (await collect(found)).map((summary) => summary.start.label).sort();
        };
        assert.deepEqual(await labels("^(x+x+)+y$"), ["xy"]);
        assert.deepEqual(await labels("(a*)*b"), []);
        assert.deepEqual(await labels("(a|aa)+$"), ["a"]);
        assert.deepEqual(await labels("(.*a){20}"), ["a"]);
        const passed = SearchDeadline.after(0);
        await new Promise((resolve) => setTimeout(resolve, 5));
        const options = { deadline: passed };
        await assert.rejects(store.count(regex("x"), options), SearchTimeoutError);
        await assert.rejects(collect(store.runs(regex("x"), options)), SearchTimeoutError);
        await assert.rejects(store.distinct("plan_name", regex("x"), options), SearchTimeoutError);
        // Without a deadline, or within it, the same search answers.
        assert.equal(await store.count(regex("x")), 2);
      });
    });
  });
}
