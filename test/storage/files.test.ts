// The files adapter: the shared conformance suite, each store on a fresh temporary directory; and the same
// suite again with the directory reopened after every put, so every answer comes from what the files hold; and
// where the access data and the annotations live in the directory.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { Annotation } from "../../src/annotations/Annotation.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { ConflictError, UnsupportedError } from "../../src/errors.ts";
import { parseQuery } from "../../src/queries/parseQuery.ts";
import { ACCESS_AUDIT, ACCESS_STATE, KEY_USES } from "../../src/storage/files/FilesAccess.ts";
import { ANNOTATIONS_LOG } from "../../src/storage/files/FilesAnnotations.ts";
import { FilesStore } from "../../src/storage/files/FilesStore.ts";
import type { PutReport, Store } from "../../src/storage/Store.ts";
import { storedAnnotation } from "./annotationFixture.ts";
import { storeConformance } from "./conformance.ts";
import { smallRun } from "./syntheticRuns.ts";

const root = mkdtempSync(join(tmpdir(), "databroker-files-"));
after(() => rmSync(root, { recursive: true, force: true }));
let catalogs = 0;
const newCatalog = () => join(root, `catalog-${catalogs++}`);

/** An annotation of `run`, created at 1 by u1, visible to every reader of the run. */
function annotation(run: string, id: string, tags: string[]): Annotation {
  return storedAnnotation(run, id, { tags });
}

storeConformance("files", () => FilesStore.open(newCatalog()), { persistent: true, memoryStats: true });

/** A files store that reads its directory afresh after every put, accepted or rejected. */
class ReopeningStore {
  private constructor(
    private readonly directory: string,
    private store: FilesStore,
  ) {}

  static async open(directory: string): Promise<Store> {
    const reopening = new ReopeningStore(directory, await FilesStore.open(directory));
    // Every Store method goes to the current store; put reopens it afterwards.
    return new Proxy(reopening, {
      get: (target, key) => {
        if (key === "put") return (batch: Iterable<DocumentPair>) => target.put(batch);
        const value = Reflect.get(target.store, key);
        return typeof value === "function" ? value.bind(target.store) : value;
      },
    }) as unknown as Store;
  }

  async put(batch: Iterable<DocumentPair>): Promise<PutReport> {
    const outcome = await this.store.put(batch).then(
      (report) => ({ report }),
      (error: unknown) => ({ error }),
    );
    await this.store.close();
    this.store = await FilesStore.open(this.directory);
    assert.deepEqual(this.store.problems, [], "the directory reads back without problems");
    if ("error" in outcome) throw outcome.error;
    return outcome.report;
  }
}

storeConformance("files, reopened after every put", () => ReopeningStore.open(newCatalog()), { live: false });

describe("files catalog access data", () => {
  test("lives in hidden sidecar files that reading the directory neither serves nor reports", async () => {
    const directory = newCatalog();
    const store = await FilesStore.open(directory);
    await store.put(smallRun({ plan_name: "beside access" }, 3).documents);
    await store.access.write(0, { keys: {} }, [{ at: 1, actor: "a", action: "key.create", detail: {} }]);
    await store.access.noteKeyUse("db_a", 2);
    await store.close();
    const names = readdirSync(directory);
    for (const name of [ACCESS_STATE, ACCESS_AUDIT, KEY_USES]) assert.ok(names.includes(name), name);
    assert.ok(!names.some((name) => name.endsWith(".lock") || name.endsWith(".tmp")), names.join(", "));
    const reopened = await FilesStore.open(directory);
    try {
      assert.deepEqual(reopened.problems, []);
      assert.equal(await reopened.count(), 1);
    } finally {
      await reopened.close();
    }
  });

  test("a read-only open of a directory creates no file, whatever is asked of its access data or annotations", async () => {
    const directory = newCatalog();
    mkdirSync(directory);
    const store = await FilesStore.open(directory, { readOnly: true });
    try {
      assert.equal(await store.access.version(), 0);
      await assert.rejects(store.access.write(0, {}, []), UnsupportedError);
      await assert.rejects(store.access.noteKeyUse("db_a", 1), UnsupportedError);
      assert.deepEqual(await store.annotations.list("any-run"), []);
      assert.equal(await store.count(parseQuery('tags contains "x"')), 0);
      const change = { annotation: annotation("r", "a", []), expected: 0, actor: "u1", at: 1 };
      await assert.rejects(store.annotations.write({ action: "create", ...change }), UnsupportedError);
    } finally {
      await store.close();
    }
    assert.deepEqual(readdirSync(directory), []);
  });

  test("audit lines of a write that never replaced the state, and a torn line, are left out", async () => {
    const directory = newCatalog();
    const store = await FilesStore.open(directory);
    try {
      const entry = (n: number) => ({ at: n, actor: `user-${n}`, action: "test", detail: { n } });
      await store.access.write(0, { v: 1 }, [entry(1)]);
      // A crash after appending two entries (the second torn) but before the state was replaced.
      appendFileSync(join(directory, ACCESS_AUDIT), `${JSON.stringify({ id: 2, ...entry(8) })}\n{"id":3,"at`);
      assert.deepEqual(await store.access.audit(), [{ id: 1, ...entry(1) }]);
      await store.access.write(1, { v: 2 }, [entry(2), entry(3)]);
      assert.deepEqual(
        await store.access.audit(),
        [1, 2, 3].map((n) => ({ id: n, ...entry(n) })),
      );
      assert.deepEqual(await store.access.read(), { version: 2, state: { v: 2 } });
    } finally {
      await store.close();
    }
  });
});

describe("files catalog annotations", () => {
  test("live in a hidden log that two stores of one directory share, a torn line left out", async () => {
    const directory = newCatalog();
    const run = smallRun({ plan_name: "annotated" }, 2);
    const first = await FilesStore.open(directory);
    await first.put(run.documents);
    const second = await FilesStore.open(directory);
    try {
      const created = annotation(run.uid, "one", ["seen"]);
      await first.annotations.write({
        action: "create",
        annotation: created,
        expected: 0,
        actor: "u1",
        at: 1,
      });
      // The other store (another process, as far as the files go) sees it, and loses a stale edit.
      assert.deepEqual(await second.annotations.get("one"), created);
      assert.equal(await second.count(parseQuery('tags contains "seen"')), 1);
      await assert.rejects(
        first.annotations.write({ action: "create", annotation: created, expected: 0, actor: "u1", at: 2 }),
        ConflictError,
      );
      // A crash part-way through an append: the torn line is left out, and the next append still reads.
      appendFileSync(join(directory, ANNOTATIONS_LOG), '{"revision":2,"at');
      const edit = { ...created, revision: 2, tags: ["edited"] };
      await second.annotations.write({ action: "edit", annotation: edit, expected: 1, actor: "u1", at: 2 });
      assert.deepEqual(await first.annotations.get("one"), edit);
      assert.equal((await first.annotations.revisions("one")).length, 2);
    } finally {
      await first.close();
      await second.close();
    }
    const names = readdirSync(directory);
    assert.ok(names.includes(ANNOTATIONS_LOG), names.join(", "));
    assert.ok(!names.some((name) => name.endsWith(".lock") || name.endsWith(".tmp")), names.join(", "));
    const reopened = await FilesStore.open(directory);
    try {
      assert.deepEqual(reopened.problems, []);
      assert.deepEqual(await reopened.annotations.get("one"), {
        ...annotation(run.uid, "one", ["edited"]),
        revision: 2,
      });
      await reopened.deleteRun(run.uid, { by: "tester", reason: "annotations go with it" });
    } finally {
      await reopened.close();
    }
    const afterDeletion = await FilesStore.open(directory);
    try {
      assert.deepEqual(await afterDeletion.annotations.revisions("one"), []);
    } finally {
      await afterDeletion.close();
    }
  });
});
