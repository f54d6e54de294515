// What every Store adapter does for `databroker index` and `databroker fields`: the fields not indexed are
// listed, statistics put afterwards replace them (others kept) and reach search into data and the listing,
// in one commit per descriptor; the listing groups the runs a query selects. Persistent SQL catalogs keep
// them across a reopen; the files catalog keeps them in memory only (its directory holds documents alone).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DocumentPair } from "../../src/documents/types.ts";
import { NotFoundError, UnsupportedError } from "../../src/errors.ts";
import type { FieldListing } from "../../src/queries/fieldListing.ts";
import type { FieldStats } from "../../src/queries/fieldStats.ts";
import { parseQuery } from "../../src/queries/parseQuery.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { withOpenStore as withStore } from "./storeHelpers.ts";

type Open = () => Promise<Store>;

/** A run of `plan` with an inline scalar `x` and an external [2]-array `img` (datum ids), over `events` events. */
function externalRun(id: string, plan: string, events: number): DocumentPair[] {
  const run = `run-${id}`;
  const descriptor = `desc-${id}`;
  const resource = `res-${id}`;
  const documents: DocumentPair[] = [
    ["start", { uid: run, time: 1_700_000_000 + events, scan_id: 1, plan_name: plan }],
    [
      "descriptor",
      {
        uid: descriptor,
        run_start: run,
        time: 1_700_000_001,
        name: "primary",
        data_keys: {
          x: { dtype: "number", shape: [], source: "sim" },
          img: { dtype: "array", shape: [2], source: "det", external: "FILESTORE:" },
        },
      },
    ],
    [
      "resource",
      {
        uid: resource,
        run_start: run,
        spec: "npy",
        root: "/data",
        resource_path: "img.npy",
        resource_kwargs: {},
      },
    ],
  ];
  for (let seq = 1; seq <= events; seq++) {
    const datum = `${resource}/${seq}`;
    documents.push(["datum", { datum_id: datum, resource, datum_kwargs: { index: seq } }]);
    documents.push([
      "event",
      {
        uid: `ev-${id}-${seq}`,
        descriptor,
        seq_num: seq,
        time: 1_700_000_001 + seq,
        data: { x: seq * 10, img: datum },
        timestamps: { x: 1, img: 1 },
        filled: { img: false },
      },
    ]);
  }
  documents.push([
    "stop",
    { uid: `stop-${id}`, run_start: run, time: 1_700_000_100, exit_status: "success" },
  ]);
  return documents;
}

/** What `databroker index` would compute for `img` of a run of `events` events (values [seq, -seq]... made up). */
function imgStats(events: number, max: number): FieldStats {
  return {
    events,
    count: 2 * events,
    min: 0,
    max,
    sum: max * events,
    shape: [2],
    sumMin: max,
    sumMax: max,
    meanMin: max / 2,
    meanMax: max / 2,
    indexed: true,
  };
}

function row(rows: FieldListing[], stream: string, field: string | null): FieldListing | undefined {
  return rows.find((candidate) => candidate.stream === stream && candidate.field === field);
}

/** `persistent`: statistics put outlive the store (every persistent adapter but files, whose stay in memory). */
export function fieldStatsConformance(open: Open, options: { persistent?: boolean } = {}): void {
  describe("field statistics put after ingest (databroker index) and the fields listing", () => {
    test("external fields are listed as not indexed; put statistics replace them and reach search", async () => {
      await withStore(await open(), async (store) => {
        await store.put(externalRun("a", "scan", 3));
        await store.put(externalRun("b", "count", 2));
        assert.deepEqual(await store.unindexedFields(), [
          { run: "run-a", descriptor: "desc-a", stream: "primary", field: "img" },
          { run: "run-b", descriptor: "desc-b", stream: "primary", field: "img" },
        ]);
        const query = parseQuery("primary.img.max > 5");
        await assert.rejects(store.count(query), (error: Error) => {
          assert.ok(error instanceof UnsupportedError);
          assert.match(error.message, /primary\.img is not indexed yet.*databroker index/);
          return true;
        });
        const before = await store.fields();
        assert.deepEqual(row(before, "primary", "img"), {
          stream: "primary",
          field: "img",
          runs: 2,
          events: 5,
          min: null,
          max: null,
          shape: null,
          notIndexed: 2,
        });
        assert.deepEqual(row(before, "primary", "x"), {
          stream: "primary",
          field: "x",
          runs: 2,
          events: 5,
          min: 10,
          max: 30,
          shape: [],
          notIndexed: 0,
        });
        assert.deepEqual(row(before, "primary", null), {
          stream: "primary",
          field: null,
          runs: 2,
          events: 5,
          min: null,
          max: null,
          shape: null,
          notIndexed: 0,
        });
        assert.deepEqual(
          before.map((entry) => [entry.stream, entry.field]),
          [
            ["primary", null],
            ["primary", "img"],
            ["primary", "x"],
          ],
        );

        const xBefore = (await store.fieldStats("desc-a")).x;
        await store.putFieldStats("desc-a", { img: imgStats(3, 9) });
        assert.deepEqual((await store.fieldStats("desc-a")).img, imgStats(3, 9));
        assert.deepEqual((await store.fieldStats("desc-a")).x, xBefore, "the fields not given are kept");
        assert.deepEqual(await store.unindexedFields(), [
          { run: "run-b", descriptor: "desc-b", stream: "primary", field: "img" },
        ]);
        // Run b is still not indexed: a search reading it fails until it is.
        await assert.rejects(store.count(query), UnsupportedError);
        const half = row(await store.fields(), "primary", "img");
        assert.deepEqual(half, { ...half!, runs: 2, min: 0, max: 9, notIndexed: 1, shape: null });

        await store.putFieldStats("desc-b", { img: imgStats(2, 4) });
        assert.deepEqual(await store.unindexedFields(), []);
        assert.equal(await store.count(query), 1);
        assert.equal(await store.count(parseQuery("primary.img.max > 1")), 2);
        assert.equal(await store.count(parseQuery("primary.img.sum >= 9")), 1);
        const after = await store.fields();
        assert.deepEqual(row(after, "primary", "img"), {
          stream: "primary",
          field: "img",
          runs: 2,
          events: 5,
          min: 0,
          max: 9,
          shape: [2],
          notIndexed: 0,
        });
        // The listing of the runs a query selects.
        const counts = await store.fields(parseQuery('plan_name == "count"'));
        assert.deepEqual(row(counts, "primary", "img"), {
          stream: "primary",
          field: "img",
          runs: 1,
          events: 2,
          min: 0,
          max: 4,
          shape: [2],
          notIndexed: 0,
        });
        assert.deepEqual(await store.fields(parseQuery('plan_name == "none"')), []);
        await assert.rejects(
          store.putFieldStats("no-such-descriptor", { img: imgStats(1, 1) }),
          NotFoundError,
        );
      });
    });

    test("more events after indexing make the field not indexed again", async () => {
      await withStore(await open(), async (store) => {
        const documents = externalRun("c", "scan", 2);
        await store.put(documents.slice(0, -1));
        await store.putFieldStats("desc-c", { img: imgStats(2, 3) });
        assert.deepEqual(await store.unindexedFields(), []);
        await store.put([
          ["datum", { datum_id: "res-c/3", resource: "res-c", datum_kwargs: { index: 3 } }],
          [
            "event",
            {
              uid: "ev-c-3",
              descriptor: "desc-c",
              seq_num: 3,
              time: 1_700_000_010,
              data: { x: 30, img: "res-c/3" },
              timestamps: { x: 1, img: 1 },
              filled: { img: false },
            },
          ],
        ]);
        assert.deepEqual(await store.unindexedFields(), [
          { run: "run-c", descriptor: "desc-c", stream: "primary", field: "img" },
        ]);
        // Statistics read before that event was added are not written: they would miss it.
        const stale = { img: imgStats(2, 3), x: (await store.fieldStats("desc-c")).x };
        assert.deepEqual(await store.putFieldStats("desc-c", stale, { eventsWhenRead: { img: 2, x: 3 } }), [
          "x",
        ]);
        assert.equal((await store.fieldStats("desc-c")).img.indexed, false);
        assert.deepEqual(
          await store.putFieldStats("desc-c", { img: imgStats(3, 3) }, { eventsWhenRead: { img: 3 } }),
          ["img"],
        );
        assert.deepEqual(await store.unindexedFields(), []);
      });
    });

    if (options.persistent) {
      test("statistics put outlive the store", async () => {
        const first = await open();
        const uri = first.uri;
        await withStore(first, async (store) => {
          await store.put(externalRun("d", "scan", 2));
          await store.putFieldStats("desc-d", { img: imgStats(2, 7) });
        });
        await withStore(await openStore(uri, { readOnly: true }), async (store) => {
          assert.deepEqual(await store.unindexedFields(), []);
          assert.deepEqual((await store.fieldStats("desc-d")).img, imgStats(2, 7));
          assert.equal(await store.count(parseQuery("primary.img.max > 5")), 1);
        });
      });
    }
  });
}
