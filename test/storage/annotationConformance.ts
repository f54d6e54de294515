// The annotations part of the Store conformance suite (annotations/AnnotationRecords.ts and the `annotations.`
// and `tags` keys of search): revisions and their conflicts, readers, search, counts and facets filtered by
// readers, deleting a run; for a persistent catalog also reopening it and a read-only open.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Annotation, Visibility } from "../../src/annotations/Annotation.ts";
import type { AnnotationChange } from "../../src/annotations/AnnotationRecords.ts";
import { ConflictError, NotFoundError, UnsupportedError } from "../../src/errors.ts";
import { parseQuery } from "../../src/queries/parseQuery.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { creation, storedAnnotation } from "./annotationFixture.ts";
import { collect, withOpenStore as withStore } from "./storeHelpers.ts";
import { smallRun } from "./syntheticRuns.ts";

type Open = () => Promise<Store>;

let counter = 0;

function annotation(run: string, fields: Partial<Annotation> = {}): Annotation {
  counter++;
  const at = 1_700_000_000 + counter;
  const id = `a-${counter}-${Math.random().toString(16).slice(2)}`;
  return storedAnnotation(run, id, { created: at, updated: at, ...fields });
}

const created = creation;

function edited(previous: Annotation, fields: Partial<Annotation>): AnnotationChange {
  const next = { ...previous, ...fields, revision: previous.revision + 1, updated: previous.updated + 1 };
  return {
    action: "edit",
    annotation: next,
    expected: previous.revision,
    actor: next.author,
    at: next.updated,
  };
}

/** Three runs: R1 (plan scan) annotated by u1 and u2 in every visibility, R2 (plan count), R3 (none). */
async function annotatedCatalog(store: Store) {
  const r1 = smallRun({ plan_name: "scan", scan_id: 1 }, 2, 1_700_000_001);
  const r2 = smallRun({ plan_name: "count", scan_id: 2 }, 2, 1_700_000_002);
  const r3 = smallRun({ plan_name: "scan", scan_id: 3 }, 2, 1_700_000_003);
  for (const run of [r1, r2, r3]) await store.put(run.documents);
  const shared = annotation(r1.uid, {
    tags: ["good", "figure-3"],
    body: "sample was misaligned at the start",
    values: { rating: 4, detail: { angle: 1.5 } },
  });
  const secret = annotation(r1.uid, {
    visibility: "private" as Visibility,
    tags: ["secret", "good"],
    body: "only u1 knows",
    values: { rating: 1 },
  });
  const forU2 = annotation(r2.uid, {
    author: "u3",
    visibility: "users" as Visibility,
    shared_with: ["u2"],
    tags: ["good"],
    body: "u3 tells u2",
    values: { rating: 5 },
  });
  const unicode = annotation(r2.uid, {
    author: "u2",
    tags: ["ünïcødé ✓"],
    body: "Ω résumé 🚀 'quoted' \"double\" 100%_like",
    values: { note: "ß", list: [1, 2.5, null, true] },
  });
  for (const each of [shared, secret, forU2, unicode]) await store.annotations.write(created(each));
  return { r1, r2, r3, shared, secret, forU2, unicode };
}

async function uidsOf(store: Store, text: string, readers?: readonly string[]): Promise<string[]> {
  const summaries = await collect(store.runs(parseQuery(text), { readers }));
  return summaries.map((summary) => summary.start.uid).sort();
}

/** `persistent`: the catalog outlives its store and reopens from its uri (openStore), read-only too. */
export function annotationConformance(open: Open, options: { persistent?: boolean } = {}): void {
  describe("annotations", () => {
    test("a created annotation reads back exactly, with its first revision", async () => {
      await withStore(await open(), async (store) => {
        const { r1, shared, unicode } = await annotatedCatalog(store);
        assert.deepEqual(await store.annotations.get(shared.id), shared);
        assert.deepEqual(await store.annotations.get(unicode.id), unicode);
        assert.equal(await store.annotations.get("no-such-id"), undefined);
        const revisions = await store.annotations.revisions(shared.id);
        assert.deepEqual(revisions, [
          { revision: 1, at: shared.created, actor: "u1", action: "create", annotation: shared },
        ]);
        assert.deepEqual(await store.annotations.revisions("no-such-id"), []);
        const listed = await store.annotations.list(r1.uid);
        assert.deepEqual(
          listed.map((each) => each.id),
          [shared.id, (await store.annotations.list(r1.uid))[1].id],
        );
        assert.ok(listed[0].created <= listed[1].created);
      });
    });

    test("a target and nested values keep their shape and number types", async () => {
      await withStore(await open(), async (store) => {
        const run = smallRun({ plan_name: "scan" });
        await store.put(run.documents);
        const targeted = annotation(run.uid, {
          target: { stream: "primary", field: "x", seq: [1, 2] },
          values: { fit: { center: 0.5, width: 2, ok: true, none: null, series: [[1, 2], [3.25]] } },
          tags: ["fit"],
        });
        await store.annotations.write(created(targeted));
        assert.deepEqual(await store.annotations.get(targeted.id), targeted);
      });
    });

    test("edits and deletes make revisions; a stale or repeated change is a conflict and changes nothing", async () => {
      await withStore(await open(), async (store) => {
        const { r1, shared } = await annotatedCatalog(store);
        await assert.rejects(store.annotations.write(created(shared)), ConflictError);
        const edit = edited(shared, { body: "realigned", tags: ["good"] });
        await store.annotations.write(edit);
        assert.deepEqual(await store.annotations.get(shared.id), edit.annotation);
        // A second writer who read revision 1 loses: nothing of theirs is stored.
        await assert.rejects(store.annotations.write(edited(shared, { body: "lost update" })), ConflictError);
        assert.equal((await store.annotations.get(shared.id))?.body, "realigned");
        const deletion: AnnotationChange = {
          action: "delete",
          annotation: { ...edit.annotation, revision: 3, updated: edit.at + 1 },
          expected: 2,
          actor: "pi1",
          at: edit.at + 1,
        };
        await store.annotations.write(deletion);
        assert.equal(await store.annotations.get(shared.id), undefined);
        assert.ok(!(await store.annotations.list(r1.uid)).some((each) => each.id === shared.id));
        await assert.rejects(
          store.annotations.write(edited(edit.annotation, { body: "after" })),
          ConflictError,
        );
        await assert.rejects(store.annotations.write({ ...deletion, expected: 3 }), ConflictError);
        const history = await store.annotations.revisions(shared.id);
        assert.deepEqual(
          history.map((each) => [each.revision, each.action, each.actor]),
          [
            [1, "create", "u1"],
            [2, "edit", "u1"],
            [3, "delete", "pi1"],
          ],
        );
        assert.equal(history[1].annotation.body, "realigned");
        assert.deepEqual(await uidsOf(store, 'tags contains "figure-3"'), []);
      });
    });

    test("concurrent edits from one revision: exactly one wins", async () => {
      await withStore(await open(), async (store) => {
        const { shared } = await annotatedCatalog(store);
        const results = await Promise.allSettled(
          ["first", "second", "third"].map((body) => store.annotations.write(edited(shared, { body }))),
        );
        assert.equal(results.filter((result) => result.status === "fulfilled").length, 1);
        for (const result of results)
          if (result.status === "rejected") assert.ok(result.reason instanceof ConflictError);
        assert.equal((await store.annotations.revisions(shared.id)).length, 2);
      });
    });

    test("an annotation of an unknown run is refused", async () => {
      await withStore(await open(), async (store) => {
        await assert.rejects(store.annotations.write(created(annotation("no-such-run"))), NotFoundError);
      });
    });

    test("list reads what the readers may: shared, their own private ones, those shared with them", async () => {
      await withStore(await open(), async (store) => {
        const { r1, r2, shared, secret, forU2, unicode } = await annotatedCatalog(store);
        const ids = async (run: string, readers?: string[]) =>
          (await store.annotations.list(run, readers)).map((each) => each.id).sort();
        assert.deepEqual(await ids(r1.uid), [shared.id, secret.id].sort());
        assert.deepEqual(await ids(r1.uid, ["*", "u1"]), [shared.id, secret.id].sort());
        assert.deepEqual(await ids(r1.uid, ["*", "pi1"]), [shared.id]);
        assert.deepEqual(await ids(r1.uid, ["*"]), [shared.id]);
        assert.deepEqual(await ids(r2.uid, ["*", "u2"]), [forU2.id, unicode.id].sort());
        assert.deepEqual(await ids(r2.uid, ["*", "u3"]), [forU2.id, unicode.id].sort());
        assert.deepEqual(await ids(r2.uid, ["*", "u1"]), [unicode.id]);
      });
    });

    test("search: tags, body, values and fields, each as the readers may see them", async () => {
      await withStore(await open(), async (store) => {
        const { r1, r2 } = await annotatedCatalog(store);
        const u1 = ["*", "u1"];
        const pi1 = ["*", "pi1"];
        const u2 = ["*", "u2"];
        assert.deepEqual(await uidsOf(store, 'tags contains "good"', pi1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, 'tags contains "good"', u2), [r1.uid, r2.uid].sort());
        assert.deepEqual(await uidsOf(store, 'tags contains "good"'), [r1.uid, r2.uid].sort());
        assert.deepEqual(await uidsOf(store, 'tags contains "secret"', u1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, 'tags contains "secret"', pi1), []);
        assert.deepEqual(await uidsOf(store, 'annotations.tags contains "figure-3"', pi1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, 'tags contains "ünïcødé ✓"', pi1), [r2.uid]);
        assert.deepEqual(await uidsOf(store, 'annotations.body =~ "misalign"', pi1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, String.raw`annotations.body like "%100\\%\\_like%"`, pi1), [
          r2.uid,
        ]);
        assert.deepEqual(await uidsOf(store, 'annotations.body contains "only u1"', pi1), []);
        assert.deepEqual(await uidsOf(store, 'annotations.body contains "only u1"', u1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, "annotations.rating >= 4", pi1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, "annotations.rating >= 4", u2), [r1.uid, r2.uid].sort());
        assert.deepEqual(await uidsOf(store, "annotations.rating < 2", u1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, "annotations.rating < 2", pi1), []);
        assert.deepEqual(await uidsOf(store, "annotations.detail.angle == 1.5", pi1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, 'annotations.author == "u3"', u1), []);
        assert.deepEqual(await uidsOf(store, 'annotations.author == "u3"', u2), [r2.uid]);
        assert.deepEqual(await uidsOf(store, 'annotations.visibility == "private"', u1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, "annotations.rating exists", pi1), [r1.uid]);
        assert.deepEqual(await uidsOf(store, 'plan_name == "scan" and tags contains "good"', u2), [r1.uid]);
        const r3 = (await collect(store.runs())).find((run) => run.start.scan_id === 3)?.start.uid;
        assert.deepEqual(await uidsOf(store, 'not tags contains "good"', pi1), [r2.uid, r3 as string].sort());
        assert.deepEqual(
          await uidsOf(store, 'tags contains "good" or scan_id == 3', pi1),
          [r1.uid, r3 as string].sort(),
        );
        assert.equal(await store.count(parseQuery('tags contains "good"'), { readers: pi1 }), 1);
        assert.equal(await store.count(parseQuery('tags contains "good"'), { readers: u2 }), 2);
        assert.equal(await store.count(parseQuery('tags contains "secret"'), { readers: ["*"] }), 0);
      });
    });

    test("facets: each tag counted over the runs whose annotations the readers see", async () => {
      await withStore(await open(), async (store) => {
        await annotatedCatalog(store);
        const facet = async (readers?: string[], query = "") =>
          store.distinct("tags", query ? parseQuery(query) : undefined, { readers });
        assert.deepEqual(await facet(["*", "pi1"]), [
          { value: "figure-3", count: 1 },
          { value: "good", count: 1 },
          { value: "ünïcødé ✓", count: 1 },
        ]);
        assert.deepEqual(await facet(["*", "u1"]), [
          { value: "figure-3", count: 1 },
          { value: "good", count: 1 },
          { value: "secret", count: 1 },
          { value: "ünïcødé ✓", count: 1 },
        ]);
        assert.deepEqual(await facet(["*", "u2"]), [
          { value: "figure-3", count: 1 },
          { value: "good", count: 2 },
          { value: "ünïcødé ✓", count: 1 },
        ]);
        assert.deepEqual(await facet(["*", "u2"], 'plan_name == "count"'), [
          { value: "good", count: 1 },
          { value: "ünïcødé ✓", count: 1 },
        ]);
        assert.deepEqual(await store.distinct("annotations.rating", undefined, { readers: ["*", "u2"] }), [
          { value: 4, count: 1 },
          { value: 5, count: 1 },
        ]);
        assert.deepEqual(await store.distinct("annotations.author", undefined, { readers: ["*"] }), [
          { value: "u1", count: 1 },
          { value: "u2", count: 1 },
        ]);
      });
    });

    test("annotation keys cannot sort", async () => {
      await withStore(await open(), async (store) => {
        await annotatedCatalog(store);
        await assert.rejects(
          collect(store.runs(undefined, { sort: [{ key: "annotations.rating", direction: "asc" }] })),
          UnsupportedError,
        );
      });
    });

    test("deleting a run deletes its annotations and their history", async () => {
      await withStore(await open(), async (store) => {
        const { r1, r2, shared, unicode } = await annotatedCatalog(store);
        await store.deleteRun(r1.uid, { by: "tester", reason: "annotation conformance" });
        assert.equal(await store.annotations.get(shared.id), undefined);
        assert.deepEqual(await store.annotations.revisions(shared.id), []);
        assert.deepEqual(await store.annotations.list(r1.uid), []);
        assert.deepEqual(await uidsOf(store, 'tags contains "good"'), [r2.uid]);
        assert.deepEqual(await store.annotations.get(unicode.id), unicode);
      });
    });

    if (options.persistent) {
      test("annotations and their revisions outlive the store; a read-only open reads them", async () => {
        const first = await open();
        const uri = first.uri;
        let ids: { shared: Annotation; r1: string } | undefined;
        await withStore(first, async (store) => {
          const { shared, r1 } = await annotatedCatalog(store);
          await store.annotations.write(edited(shared, { body: "edited once" }));
          ids = { shared, r1: r1.uid };
        });
        const { shared, r1 } = ids as { shared: Annotation; r1: string };
        await withStore(await openStore(uri), async (store) => {
          assert.equal((await store.annotations.get(shared.id))?.body, "edited once");
          assert.equal((await store.annotations.revisions(shared.id)).length, 2);
          assert.deepEqual(await uidsOf(store, 'tags contains "good"', ["*"]), [r1]);
        });
        await withStore(await openStore(uri, { readOnly: true }), async (store) => {
          assert.equal((await store.annotations.list(r1, ["*"])).length, 1);
          await assert.rejects(
            store.annotations.write(created(annotation(r1))),
            (error: Error) => error instanceof UnsupportedError || /read-only|readonly/i.test(error.message),
          );
        });
      });
    }
  });
}
