// Several processes appending to one catalog directory at once lose nothing: runs of their own, and a run
// they all continue, in a plain directory and in a databroker-pack directory (whose run file they rewrite).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair, EventDescriptor } from "../../src/documents/types.ts";
import { FilesStore } from "../../src/storage/files/FilesStore.ts";
import { projectRoot } from "../support/sharedData.ts";
import { copyReference, documentsIn, listTree, temporaryRoot } from "./filesHelpers.ts";
import { collect, eventsFromColumns, eventsOf } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

const root = temporaryRoot("files-concurrency");
after(() => rmSync(root, { recursive: true, force: true }));

interface Sent {
  runs: Array<{ uid: string; documents: DocumentPair[] }>;
  shared: DocumentPair[];
}

function appender(directory: string, writer: number, sharedRun: string): Promise<Sent> {
  const out = join(root, `sent-${writer}-${Date.now()}-${Math.random()}.json`);
  const script = join(projectRoot, "test/storage/files-appender.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", script, directory, String(writer), sharedRun, out],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(readFileSync(out, "utf8")) as Sent)
        : reject(new Error(`appender ${writer} exited ${code}: ${stderr}`)),
    );
  });
}

async function appendConcurrently(directory: string): Promise<void> {
  const shared = smallRun({ plan_name: "shared by every writer" }, 2);
  const opened = await FilesStore.open(directory);
  const before = await opened.count();
  await opened.put(shared.documents.slice(0, -1));
  await opened.close();

  const sent = await Promise.all([1, 2, 3].map((writer) => appender(directory, writer, shared.uid)));

  const store = await FilesStore.open(directory);
  try {
    assert.deepEqual(store.problems, []);
    assert.equal(await store.count(), before + 1 + 9);
    for (const { runs } of sent)
      for (const run of runs) assert.deepEqual(await collect(store.documents(run.uid)), run.documents);
    // The shared run holds every writer's stream whole, each writer's documents in the order it sent them.
    const replay = await collect(store.documents(shared.uid));
    assert.equal(replay.length, 2 + 2 + 3 * 21);
    for (const { shared: mine } of sent) {
      const descriptor = mine[0][1] as EventDescriptor;
      const own = replay.filter(
        ([name, doc]) =>
          (name === "descriptor" && doc.uid === descriptor.uid) ||
          (name === "event" && doc.descriptor === descriptor.uid),
      );
      assert.deepEqual(own, mine);
      assert.deepEqual(eventsFromColumns(await collect(store.columns([descriptor.uid]))), eventsOf(mine));
    }
  } finally {
    await store.close();
  }
  assert.ok(
    !listTree(directory).some((path) => path.endsWith(".tmp") || path.endsWith(".lock")),
    "nothing left over",
  );
}

test("three processes appending to one plain directory at once: every document is kept", async () => {
  await appendConcurrently(join(root, "plain"));
});

test("three processes appending to one databroker-pack directory at once: every document kept, the pack valid", async () => {
  const directory = copyReference("databroker-pack/simple_catalog", join(root, "pack"));
  await appendConcurrently(directory);
  const files = readdirSync(join(directory, "documents")).sort();
  assert.equal(files.length, 3 + 1 + 9);
  const manifest = readFileSync(join(directory, "documents_manifest.txt"), "utf8")
    .split("\n")
    .filter(Boolean);
  assert.deepEqual(
    [...manifest].sort(),
    files.map((file) => `documents/${file}`),
    "each file listed once",
  );
  for (const file of files) {
    const documents = await documentsIn(join(directory, "documents", file));
    assert.equal(documents[0][0], "start");
    assert.equal(splitRuns(documents).runs.length, 1);
  }
});
