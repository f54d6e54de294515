// A JSON Lines file read by the parallel reader reaches the ingest as chunks in which runs of plain events
// are blocks of columns (DocumentStream.ts); the collector checks and packs a block by columns when it can,
// and event by event when it cannot. Either way a put must give exactly what the same documents given one by
// one give: the same report or the same rejection (findings, order and all), and the same stored run, read
// back document for document. Checked on every real run (written as JSON Lines) and on generated runs that reach each
// branch: clean blocks across page limits, duplicate uids and seq_num slips inside blocks, external keys,
// key problems, events after the stop, and events appended to a run stored earlier.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { DocumentStream } from "../../src/documents/formats/DocumentStream.ts";
import { isEventBlock } from "../../src/documents/formats/eventBlock.ts";
import { type ParallelReadOptions, readDocuments, stringifyJson } from "../../src/documents/formats/index.ts";
import { parseJsonLinesBytes } from "../../src/documents/formats/jsonLinesChunk.ts";
import { RunChecker } from "../../src/documents/run/index.ts";
import type { DataKey, DocumentPair, Event } from "../../src/documents/types.ts";
import { runStretches } from "../../src/storage/ingest/runStretches.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { realRuns } from "./realRuns.ts";
import { collect } from "./storeHelpers.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-blocks-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Small chunks, so that blocks end and start everywhere in a file. */
const IN_BLOCKS: ParallelReadOptions = { minBytes: 0, chunkBytes: 8192 };
const SERIAL: ParallelReadOptions = { minBytes: Number.POSITIVE_INFINITY };

let stores = 0;
const adapters: Array<[string, () => Store]> = [
  ["memory", () => new MemoryStore()],
  ["sqlite", () => new SqliteStore(join(dir, `catalog-${stores++}.sqlite`))],
];

/** How a put ended: its report, or its error's class, message and findings. */
async function outcome(store: Store, batch: AsyncIterable<DocumentPair> | DocumentPair[]) {
  try {
    return { report: await store.put(batch) };
  } catch (error) {
    const { name, message, findings } = error as Error & { findings?: unknown };
    return { error: { name, message, findings } };
  }
}

/** Every run the store holds, replayed. */
async function contents(store: Store) {
  const runs = await collect(store.runs());
  const out: Record<string, DocumentPair[]> = {};
  for (const run of runs) out[run.uid] = await collect(store.documents(run.uid));
  return out;
}

async function hasBlocks(path: string): Promise<boolean> {
  for await (const chunk of readDocuments(path, { parallel: IN_BLOCKS }).chunks())
    if (chunk.some(isEventBlock)) return true;
  return false;
}

/**
 * Puts the file at `path` read in blocks into one store and read serially, as plain pairs, into another
 * (after `before`, given to both as pairs); asserts the same outcome and the same contents.
 */
async function assertSameAsPairs(path: string, makeStore: () => Store, before: DocumentPair[] = []) {
  const inBlocks = makeStore();
  const asPairs = makeStore();
  try {
    if (before.length > 0) {
      await inBlocks.put(before);
      await asPairs.put(before);
    }
    const pairs = await collect(readDocuments(path, { parallel: SERIAL }));
    const expected = await outcome(asPairs, pairs);
    const stream = readDocuments(path, { parallel: IN_BLOCKS });
    assert.ok(stream instanceof DocumentStream);
    const actual = await outcome(inBlocks, stream);
    assert.deepEqual(actual, expected);
    assert.deepEqual(await contents(inBlocks), await contents(asPairs));
    return expected;
  } finally {
    await inBlocks.close();
    await asPairs.close();
  }
}

const number: DataKey = { dtype: "number", shape: [], source: "sim" };

function writeRun(name: string, documents: DocumentPair[]): string {
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, `${documents.map((pair) => stringifyJson(pair)).join("\n")}\n`);
  return path;
}

/** A run of `events` events of two streams, interleaved in runs of 50; `edit` changes event n (from 1). */
function generatedRun(
  uid: string,
  events: number,
  edit: (event: Record<string, unknown>, n: number) => void = () => {},
  options: { external?: boolean } = {},
): DocumentPair[] {
  const data_keys: Record<string, DataKey> = { a: number, b: number };
  if (options.external)
    data_keys.img = { dtype: "array", shape: [2, 2], source: "det", external: "FILESTORE:" };
  const documents: DocumentPair[] = [["start", { uid, time: 1_700_000_000, scan_id: 7 }]];
  for (const stream of ["primary", "baseline"])
    documents.push([
      "descriptor",
      { uid: `${uid}-${stream}`, run_start: uid, time: 1, data_keys, name: stream },
    ]);
  if (options.external) {
    documents.push([
      "resource",
      {
        uid: `${uid}-res`,
        run_start: uid,
        spec: "AD_HDF5",
        root: "/",
        resource_path: "x.h5",
        resource_kwargs: {},
        path_semantics: "posix",
      },
    ]);
    for (let n = 1; n <= events; n += 2)
      documents.push([
        "datum",
        { datum_id: `${uid}-res/${n}`, resource: `${uid}-res`, datum_kwargs: { point_number: n } },
      ]);
  }
  const seq = { primary: 0, baseline: 0 };
  for (let n = 1; n <= events; n++) {
    const stream = Math.floor((n - 1) / 50) % 2 === 0 ? "primary" : "baseline";
    const seq_num = ++seq[stream];
    const data: Record<string, unknown> = { a: n * 0.5, b: -n };
    const timestamps: Record<string, unknown> = { a: 1 + n, b: 2 + n };
    const event: Record<string, unknown> = {
      uid: `${uid}-e${n}`,
      time: 1 + n * 1e-3,
      data,
      timestamps,
      seq_num,
      descriptor: `${uid}-${stream}`,
    };
    if (options.external) {
      data.img = `${uid}-res/${n}`;
      timestamps.img = 3 + n;
      event.filled = { img: false };
    }
    edit(event, n);
    documents.push(["event", event as unknown as Event]);
  }
  documents.push([
    "stop",
    { uid: `${uid}-stop`, run_start: uid, time: 2, exit_status: "success", num_events: seq },
  ]);
  return documents;
}

test("the run checker takes a clean block whole, and refuses one it cannot judge by columns", () => {
  const run = generatedRun("direct", 200);
  const lines = (documents: DocumentPair[]) =>
    Buffer.from(`${documents.map((pair) => stringifyJson(pair)).join("\n")}\n`);
  const items = parseJsonLinesBytes(lines(run.slice(0, -1)), "pair").result.items;
  const blocks = items.filter(isEventBlock);
  assert.ok(blocks.length >= 4);
  const checker = new RunChecker();
  for (const item of items) {
    if (isEventBlock(item)) assert.deepEqual(checker.addEventBlock(item), []);
    else checker.add(item[0], item[1]);
  }
  assert.equal(checker.count, 203);
  // Undeclared keys: the per-event findings repeat with a count, which only the events one by one give.
  const undeclared = generatedRun("direct2", 60, (event) => {
    (event.data as Record<string, unknown>).c = 1;
    (event.timestamps as Record<string, unknown>).c = 1;
  });
  const other = new RunChecker();
  for (const item of parseJsonLinesBytes(lines(undeclared), "pair").result.items) {
    if (isEventBlock(item)) assert.equal(other.addEventBlock(item), null);
    else other.add(item[0], item[1]);
  }
  assert.equal(other.count, 3 + 1);
});

for (const [adapter, makeStore] of adapters) {
  describe(`events read in blocks (${adapter})`, () => {
    test("every real run, written as JSON Lines: the same report or rejection, the same run stored", async () => {
      let withBlocks = 0;
      for (const [n, run] of (await realRuns()).entries()) {
        const path = writeRun(`real-${n}`, run.documents);
        if (await hasBlocks(path)) withBlocks++;
        await assertSameAsPairs(path, makeStore);
      }
      assert.ok(withBlocks >= 50, `${withBlocks} runs gave blocks`);
    });

    test("a clean run of 5,000 events: blocks across pages of both streams, keys in two orders", async () => {
      // Every third stretch of events lists its keys in another order: a page open for one order takes
      // the other by name.
      const reordered = (record: Record<string, unknown>) => ({ b: record.b, a: record.a });
      const run = generatedRun("clean", 5000, (event, n) => {
        if (Math.floor(n / 70) % 3 !== 1) return;
        event.data = reordered(event.data as Record<string, unknown>);
        event.timestamps = reordered(event.timestamps as Record<string, unknown>);
      });
      const path = writeRun("clean", run);
      assert.ok(await hasBlocks(path));
      const { report } = await assertSameAsPairs(path, makeStore);
      assert.equal(report?.events, 5000);
    });

    test("duplicate uids and seq_num slips inside blocks: the same findings", async () => {
      const run = generatedRun("slips", 3000, (event, n) => {
        if (n === 2500) event.uid = "slips-e10";
        if (n === 1234) event.uid = "slips-primary";
        if (n === 2040) event.seq_num = (event.seq_num as number) + 3;
        if (n === 2710) event.seq_num = 1;
      });
      const { error } = await assertSameAsPairs(writeRun("slips", run), makeStore);
      const findings = (error?.findings ?? []) as Array<{ rule: string }>;
      const rules = findings.map((finding) => finding.rule);
      assert.ok(
        rules.includes("duplicate-uid") && rules.includes("seq_num-gap") && rules.includes("seq_num-repeat"),
      );
    });

    test("external keys with filled columns; datum ids that resolve and that do not", async () => {
      const run = generatedRun(
        "ext",
        400,
        (event, n) => {
          if (n % 100 === 0) (event.data as Record<string, unknown>).img = `ext-res/missing-${n}`;
        },
        { external: true },
      );
      const { report } = await assertSameAsPairs(writeRun("external", run), makeStore);
      assert.ok(report?.warnings.some((warning) => warning.rule === "datum-unresolved"));
    });

    test("blocks the checker cannot take whole: bad values, undeclared keys, events after the stop", async () => {
      const badValues = generatedRun("bad", 600, (event, n) => {
        if (n === 120) event.seq_num = 120.5;
        if (n === 300) event.time = "late";
      });
      const undeclared = generatedRun("keys", 600, (event, n) => {
        if (n > 400) (event.data as Record<string, unknown>).c = 1;
        if (n > 400) (event.timestamps as Record<string, unknown>).c = 1;
      });
      const afterStop = generatedRun("late", 300);
      const stop = afterStop.findIndex(([name]) => name === "stop");
      afterStop.splice(stop - 100, 0, afterStop.splice(stop, 1)[0]);
      for (const [name, run] of [
        ["bad", badValues],
        ["undeclared", undeclared],
        ["after-stop", afterStop],
      ] as const) {
        const { error } = await assertSameAsPairs(writeRun(name, run), makeStore);
        assert.ok(error, name);
      }
    });

    test("events of a run stored by an earlier put are appended the same way", async () => {
      const run = generatedRun("append", 2000);
      const head = run.slice(0, 3);
      const path = writeRun("append-events", run.slice(3));
      const { report } = await assertSameAsPairs(path, makeStore, head);
      assert.equal(report?.events, 2000);
    });

    test("a stored run read again with one event changed: the same conflict", async () => {
      const run = generatedRun("changed", 1500);
      const changed = generatedRun("changed", 1500, (event, n) => {
        if (n === 1200) (event.data as Record<string, unknown>).a = -1;
      });
      const { error } = await assertSameAsPairs(writeRun("changed", changed), makeStore, run);
      assert.equal(error?.name, "ConflictError");
    });

    test("a second put of the same file stores nothing new", async () => {
      const path = writeRun("twice", generatedRun("twice", 1500));
      const store = makeStore();
      try {
        await store.put(readDocuments(path, { parallel: IN_BLOCKS }));
        const again = await store.put(readDocuments(path, { parallel: IN_BLOCKS }));
        assert.equal(again.stored, 0);
        assert.equal(again.skipped, again.documents);
      } finally {
        await store.close();
      }
    });
  });
}

test("runStretches cuts a stream read in blocks into its runs, each stretch a stream of blocks", async () => {
  const runs = ["r1", "r2", "r3"].map((uid, k) => generatedRun(uid, 700 + 300 * k));
  const path = writeRun("three-runs", runs.flat());
  const seen: Array<{ run: string | null; documents: DocumentPair[]; blocks: boolean }> = [];
  for await (const stretch of runStretches(readDocuments(path, { parallel: IN_BLOCKS }))) {
    // The second stretch is left unread: it is skipped, and the third starts where it should.
    if (stretch.run === "r2") continue;
    let blocks = false;
    const documents: DocumentPair[] = [];
    for await (const chunk of stretch.documents.chunks()) {
      blocks ||= chunk.some(isEventBlock);
      documents.push(
        ...(await collect(
          new DocumentStream(async function* () {
            yield chunk;
          }),
        )),
      );
    }
    seen.push({ run: stretch.run, documents, blocks });
  }
  assert.deepEqual(
    seen.map(({ run, blocks }) => [run, blocks]),
    [
      ["r1", true],
      ["r3", true],
    ],
  );
  assert.deepEqual(seen[0].documents, runs[0]);
  assert.deepEqual(seen[1].documents, runs[2]);
});
