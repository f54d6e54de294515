// The files adapter on real directories: the reference folders read in place (never written), and copies of
// them appended to, plain and databroker-pack, then reopened: every run comes back, in a valid order.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { writeDocuments } from "../../src/documents/formats/index.ts";
import { readPack } from "../../src/documents/formats/readPack.ts";
import { sliceEventPage } from "../../src/documents/pages.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair, EventPage } from "../../src/documents/types.ts";
import { UnsupportedError } from "../../src/errors.ts";
import { FilesStore } from "../../src/storage/files/FilesStore.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { dataPath } from "../support/sharedData.ts";
import { copyReference, documentsIn, listTree, snapshot, temporaryRoot } from "./filesHelpers.ts";
import { type RealRun, realRuns } from "./realRuns.ts";
import { collect } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

const root = temporaryRoot("files-dirs");
after(() => rmSync(root, { recursive: true, force: true }));
let copies = 0;
const copyOf = (folder: string) => copyReference(folder, join(root, `copy-${copies++}`));

const FOLDERS = [
  "databroker-pack/simple_catalog",
  "databroker-pack/another_simple_catalog",
  "apstools/440_specwriter_problem_run",
  "bluesky-tutorials/example_data",
];

async function runsFrom(folder: string): Promise<RealRun[]> {
  return (await realRuns()).filter((run) => run.source === folder || run.source.startsWith(`${folder}/`));
}

async function assertHoldsExactly(
  store: FilesStore,
  runs: Array<{ uid: string; documents: DocumentPair[] }>,
) {
  assert.deepEqual(store.problems, []);
  assert.equal(await store.count(), runs.length);
  for (const run of runs) assert.deepEqual(await collect(store.documents(run.uid)), run.documents, run.uid);
}

/** The runs of a whole directory read as one stream (as `databroker ingest dir` would), by uid. */
async function runsReadInOrder(dir: string): Promise<Map<string, DocumentPair[]>> {
  const split = splitRuns(await documentsIn(dir));
  assert.deepEqual(split.findings, [], "every document of the directory reaches a run read before it");
  return new Map(split.runs.map((run) => [run.uid, run.documents]));
}

describe("files adapter: reference directories read in place", () => {
  for (const folder of FOLDERS) {
    test(`${folder}: every run, deep-equal, and nothing written`, async () => {
      const before = snapshot(dataPath(folder));
      const expected = await runsFrom(folder);
      assert.ok(expected.length > 0);
      const store = await FilesStore.open(dataPath(folder), { readOnly: true });
      try {
        assert.equal(store.uri, pathToFileURL(dataPath(folder)).href);
        await assertHoldsExactly(store, expected);
        await assert.rejects(store.put(smallRun({ plan_name: "refused" }).documents), UnsupportedError);
        assert.equal(await store.count(), expected.length);
      } finally {
        await store.close();
      }
      assert.deepEqual(snapshot(dataPath(folder)), before);
    });
  }

  test("openStore opens file:///abs/dir with the files adapter; a relative file URI is refused", async () => {
    const dir = copyOf("databroker-pack/another_simple_catalog");
    const store = await openStore(pathToFileURL(dir).href);
    try {
      assert.ok(store instanceof FilesStore);
      assert.equal(await store.count(), (await runsFrom("databroker-pack/another_simple_catalog")).length);
    } finally {
      await store.close();
    }
    await assert.rejects(openStore("file://relative/dir"), UnsupportedError);
  });
});

describe("files adapter: appending to a databroker-pack directory", () => {
  test("new runs become new msgpack files of one run each, listed in the manifest; reopening gives all back", async () => {
    const dir = copyOf("databroker-pack/simple_catalog");
    const catalogText = readFileSync(join(dir, "catalog.yml"), "utf8");
    const original = await runsFrom("databroker-pack/simple_catalog");
    const whole = smallRun({ plan_name: "appended whole" }, 4);
    const live = smallRun({ plan_name: "appended live" }, 6);
    const store = await FilesStore.open(dir);
    try {
      await store.put(whole.documents);
      // Live acquisition: start and descriptor, events, then the stop in a batch of its own.
      await store.put(live.documents.slice(0, 2));
      await store.put(live.documents.slice(2, -1));
      await store.put(live.documents.slice(-1));
      await assertHoldsExactly(store, [...original, whole, live]);
    } finally {
      await store.close();
    }

    const files = readdirSync(join(dir, "documents")).sort();
    assert.deepEqual(
      files,
      [...original.map((run) => `${run.uid}.msgpack`), `${whole.uid}.msgpack`, `${live.uid}.msgpack`].sort(),
    );
    assert.ok(
      !listTree(dir).some((path) => path.endsWith(".tmp") || path.endsWith(".lock")),
      "nothing left over",
    );
    assert.equal(readFileSync(join(dir, "catalog.yml"), "utf8"), catalogText, "catalog.yml untouched");
    const manifest = readFileSync(join(dir, "documents_manifest.txt"), "utf8").split("\n").filter(Boolean);
    assert.deepEqual(
      [...manifest].sort(),
      files.map((file) => `documents/${file}`),
    );
    assert.deepEqual((await readPack(dir)).documentFiles.length, files.length);
    // As databroker-pack's readers expect: each file one run, its start first.
    for (const file of files) {
      const documents = await documentsIn(join(dir, "documents", file));
      assert.equal(documents[0][0], "start", file);
      assert.equal(splitRuns(documents).runs.length, 1, file);
    }
    assert.deepEqual(await documentsIn(join(dir, "documents", `${live.uid}.msgpack`)), live.documents);

    const reopened = await FilesStore.open(dir);
    try {
      await assertHoldsExactly(reopened, [...original, whole, live]);
    } finally {
      await reopened.close();
    }
  });
});

describe("files adapter: appending to a plain directory", () => {
  test("a run continued over batches: one file per batch, named so the directory reads in a valid order", async () => {
    const dir = copyOf("bluesky-tutorials/example_data");
    const original = await runsFrom("bluesky-tutorials/example_data");
    const live = smallRun({ plan_name: "live" }, 6);
    const store = await FilesStore.open(dir);
    try {
      await store.put(live.documents.slice(0, 3));
      await store.put(live.documents.slice(3, 6));
      await store.put(live.documents.slice(6));
    } finally {
      await store.close();
    }
    const added = readdirSync(dir).filter((name) => name.startsWith(live.uid));
    assert.deepEqual(added, [`${live.uid}.jsonl`, `${live.uid}_000001.jsonl`, `${live.uid}_000002.jsonl`]);
    assert.deepEqual(await documentsIn(join(dir, added[2])), live.documents.slice(6));
    const inOrder = await runsReadInOrder(dir);
    assert.deepEqual(inOrder.get(live.uid), live.documents);
    const reopened = await FilesStore.open(dir);
    try {
      await assertHoldsExactly(reopened, [...original, live]);
    } finally {
      await reopened.close();
    }
  });

  test("a run without a stop in a file of several runs gets its stop in a file sorting after that one", async () => {
    const dir = join(root, `copy-${copies++}`);
    const first = smallRun({ plan_name: "first" }, 2);
    const unfinished = smallRun({ plan_name: "unfinished" }, 3);
    // One JSON array holding two runs, the second still running.
    mkdirSync(dir);
    const session = [...first.documents, ...unfinished.documents.slice(0, -1)];
    await writeDocuments(join(dir, "zz-session.json"), session, "json-array");
    const store = await FilesStore.open(dir);
    try {
      assert.equal(await store.stop(unfinished.uid), undefined);
      await store.put(unfinished.documents.slice(-1));
      await assertHoldsExactly(store, [first, unfinished]);
    } finally {
      await store.close();
    }
    assert.deepEqual(readdirSync(dir).sort(), ["zz-session.json", "zz-session_000001.jsonl"]);
    assert.deepEqual((await runsReadInOrder(dir)).get(unfinished.uid), unfinished.documents);
    const reopened = await FilesStore.open(dir);
    try {
      await assertHoldsExactly(reopened, [first, unfinished]);
    } finally {
      await reopened.close();
    }
  });

  test("a new run whose file name is taken by another file goes to the next free name", async () => {
    const dir = copyOf("bluesky-tutorials/example_data");
    const squatter = smallRun({ plan_name: "squatter" }, 1);
    const owner = smallRun({ plan_name: "owner" }, 2);
    writeFileSync(
      join(dir, `${owner.uid}.jsonl`),
      squatter.documents.map((pair) => `${JSON.stringify(pair)}\n`).join(""),
    );
    const store = await FilesStore.open(dir);
    try {
      await store.put(owner.documents);
    } finally {
      await store.close();
    }
    assert.deepEqual(await documentsIn(join(dir, `${owner.uid}_000001.jsonl`)), owner.documents);
    const reopened = await FilesStore.open(dir);
    try {
      await assertHoldsExactly(reopened, [
        ...(await runsFrom("bluesky-tutorials/example_data")),
        squatter,
        owner,
      ]);
    } finally {
      await reopened.close();
    }
  });

  test("skipped documents are never written again: only the new rows of a batch reach the disk", async () => {
    const dir = copyOf("bluesky-tutorials/example_data");
    const [existing] = await runsFrom("bluesky-tutorials/example_data");
    const { uid, documents, stream } = smallRun({ plan_name: "overlap" }, 4);
    const store = await FilesStore.open(dir);
    try {
      const unchanged = snapshot(dir);
      assert.equal((await store.put(existing.documents)).stored, 0);
      assert.deepEqual(snapshot(dir), unchanged, "a batch of known documents writes nothing");

      // Start, descriptor and two events; then a page of events 1-4 and the stop: rows 3-4 and the stop are new.
      await store.put(documents.slice(0, 4));
      const events = documents.slice(2, 6).map(([, doc]) => doc) as Array<DocumentPair[1] & { uid: string }>;
      const page: EventPage = {
        descriptor: stream.descriptor.uid,
        uid: events.map((event) => event.uid),
        seq_num: [1, 2, 3, 4],
        time: events.map((event) => (event as { time: number }).time),
        data: { x: [0, 1, 2, 3] },
        timestamps: { x: [1, 1, 1, 1] },
      };
      const report = await store.put([documents[0], ["event_page", page], documents.at(-1)!]);
      assert.equal(report.events, 2);
      const continuation = await documentsIn(join(dir, `${uid}_000001.jsonl`));
      assert.deepEqual(continuation, [["event_page", sliceEventPage(page, 2, 4)], documents.at(-1)]);
      const replay = await collect(store.documents(uid));
      const reopened = await FilesStore.open(dir);
      try {
        assert.deepEqual(await collect(reopened.documents(uid)), replay);
      } finally {
        await reopened.close();
      }
    } finally {
      await store.close();
    }
  });
});
