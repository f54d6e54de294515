// The files adapter when things go wrong: rejected batches leave the directory byte for byte as it was,
// damaged files and refused runs are reported while the rest is served, leftovers of crashed writers
// (temporary files, a lock of a dead process) are harmless.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { DocumentPair, Event, RunStart } from "../../src/documents/types.ts";
import { ConflictError, UnreadableError, ValidationError } from "../../src/errors.ts";
import { FilesStore } from "../../src/storage/files/FilesStore.ts";
import { withLock } from "../../src/storage/files/LockFile.ts";
import { PACK_LOCK } from "../../src/storage/files/PackLayout.ts";
import { copyReference, documentsIn, listTree, snapshot, temporaryRoot } from "./filesHelpers.ts";
import { realRuns } from "./realRuns.ts";
import { collect } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

const root = temporaryRoot("files-faults");
after(() => rmSync(root, { recursive: true, force: true }));
let copies = 0;
const copyOf = (folder: string) => copyReference(folder, join(root, `copy-${copies++}`));

/** Runs `work` on a store of `dir`, closing it after. */
async function withStore(dir: string, work: (store: FilesStore) => Promise<void>): Promise<void> {
  const store = await FilesStore.open(dir);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
  return Number(child.stdout.trim());
}

describe("files adapter: rejected batches", () => {
  for (const folder of ["bluesky-tutorials/example_data", "databroker-pack/simple_catalog"]) {
    test(`${folder}: an invalid or conflicting batch leaves the directory byte for byte unchanged`, async () => {
      const dir = copyOf(folder);
      const [known] = (await realRuns()).filter((run) => run.source.startsWith(folder));
      await withStore(dir, async (store) => {
        // A live run in the directory, so the rejected batches below also try to continue a run.
        const live = smallRun({ plan_name: "live" }, 3);
        await store.put(live.documents.slice(0, -1));
        const before = snapshot(dir);

        const { documents } = smallRun({ plan_name: "invalid" });
        const broken = structuredClone(documents.at(-1)!) as DocumentPair;
        (broken[1] as unknown as Record<string, unknown>).exit_status = "exploded";
        await assert.rejects(store.put([...documents.slice(0, -1), broken]), ValidationError);
        const changedStart = { ...(known.documents[0][1] as RunStart), plan_name: "rewritten history" };
        await assert.rejects(store.put([live.documents.at(-1)!, ["start", changedStart]]), ConflictError);
        const orphan = structuredClone(live.documents[2][1] as Event);
        orphan.descriptor = "no-such-descriptor";
        await assert.rejects(store.put([live.documents.at(-1)!, ["event", orphan]]), ValidationError);

        assert.deepEqual(snapshot(dir), before);
        assert.equal(await store.stop(live.uid), undefined);
      });
    });
  }
});

describe("files adapter: damaged files and refused runs", () => {
  test("a plain directory opens with everything readable, and lists the damage and the refused run", async () => {
    const dir = copyOf("bluesky-tutorials/example_data");
    const runs = (await realRuns()).filter((run) => run.source.startsWith("bluesky-tutorials/example_data"));
    const victim = runs[3];
    const victimFile = join(dir, `${victim.uid}.jsonl`);
    // Cut the file in the middle of its sixth line: five whole documents remain readable.
    const lines = readFileSync(victimFile, "utf8").split("\n");
    writeFileSync(victimFile, `${lines.slice(0, 5).join("\n")}\n${lines[5].slice(0, 40)}`);
    // A run whose event names a descriptor it does not have: the store refuses that run.
    const refused = smallRun({ plan_name: "refused" }, 2);
    const bad = structuredClone(refused.documents);
    (bad[2][1] as Event).descriptor = "missing-descriptor";
    writeFileSync(join(dir, "refused.jsonl"), bad.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
    const stop = victim.documents.at(-1)!;

    await withStore(dir, async (store) => {
      assert.deepEqual(
        store.problems.map(({ file, kind, location, run }) => ({ file, kind, location, run })),
        [
          { file: victimFile, kind: "unreadable", location: "line 6", run: victim.uid },
          { file: join(dir, "refused.jsonl"), kind: "rejected", location: undefined, run: refused.uid },
        ],
      );
      assert.match(store.problems[1].message, /batch rejected, nothing stored/);
      assert.equal(await store.count(), runs.length);
      assert.equal(await store.start(refused.uid), undefined);
      for (const run of runs.filter((other) => other !== victim))
        assert.deepEqual(await collect(store.documents(run.uid)), run.documents);
      assert.deepEqual(await collect(store.documents(victim.uid)), victim.documents.slice(0, 5));

      // The cut run can still be continued: its stop goes to a file of its own, after the damaged one.
      await store.put([stop]);
      assert.deepEqual(await documentsIn(join(dir, `${victim.uid}_000001.jsonl`)), [stop]);
    });
    await withStore(dir, async (store) => {
      assert.equal(store.problems.length, 2);
      assert.deepEqual(await collect(store.documents(victim.uid)), [...victim.documents.slice(0, 5), stop]);
    });
  });

  test("a pack whose run file is damaged: opened, reported, and an append to that run is refused untouched", async () => {
    const dir = copyOf("databroker-pack/simple_catalog");
    const runs = (await realRuns()).filter((run) => run.source === "databroker-pack/simple_catalog");
    const victim = runs[0];
    const victimFile = join(dir, "documents", `${victim.uid}.msgpack`);
    // Lose the end of the file: its stop and part of the document before it.
    const size = readFileSync(victimFile).length;
    const stopBytes = Buffer.from(JSON.stringify(victim.documents.at(-1))).length;
    truncateSync(victimFile, size - stopBytes);

    await withStore(dir, async (store) => {
      assert.equal(store.problems.length, 1);
      assert.equal(store.problems[0].file, victimFile);
      assert.equal(store.problems[0].kind, "unreadable");
      assert.equal(await store.count(), runs.length);
      assert.equal(await store.stop(victim.uid), undefined);
      const before = snapshot(dir);
      await assert.rejects(store.put([victim.documents.at(-1)!]), UnreadableError);
      assert.deepEqual(snapshot(dir), before);
      // The store reread the directory: it serves what the files hold, not the refused stop.
      assert.equal(await store.stop(victim.uid), undefined);
      // Other runs still take appends.
      const fresh = smallRun({ plan_name: "after damage" }, 2);
      await store.put(fresh.documents);
      assert.deepEqual(await collect(store.documents(fresh.uid)), fresh.documents);
    });
  });
});

describe("files adapter: leftovers of crashed writers", () => {
  test("temporary files are ignored and a lock left by a dead process is broken", async () => {
    const dir = copyOf("databroker-pack/another_simple_catalog");
    writeFileSync(join(dir, "documents", ".crashed.msgpack.123.abcdef.tmp"), "half a file");
    writeFileSync(join(dir, PACK_LOCK), JSON.stringify({ pid: deadPid(), host: hostname() }));
    const run = smallRun({ plan_name: "after a crash" }, 2);
    await withStore(dir, async (store) => {
      assert.deepEqual(store.problems, []);
      await store.put(run.documents);
    });
    assert.ok(!readdirSync(dir).includes(PACK_LOCK), "the lock is released");
    await withStore(dir, async (store) => {
      assert.deepEqual(await collect(store.documents(run.uid)), run.documents);
    });
    assert.ok(
      listTree(dir).includes("documents/.crashed.msgpack.123.abcdef.tmp"),
      "others' files are left alone",
    );
  });

  test("a lock held by a live process is waited for, then refused with a message naming its owner", async () => {
    const lock = join(root, "held.lock");
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname() }));
    let ran = false;
    await assert.rejects(
      withLock(lock, async () => (ran = true), { timeout: 200 }),
      (error: Error) => error instanceof ConflictError && error.message.includes(`process ${process.pid}`),
    );
    assert.equal(ran, false);
    rmSync(lock);
    assert.equal(await withLock(lock, async () => "held"), "held");
    assert.ok(!readdirSync(root).includes("held.lock"));
  });
});
