// The property the query layer stands on: the same query gives the same runs on every adapter. Hundreds of
// seeded random queries over the real runs of ../shared/data (plus a few awkward synthetic runs) are run by
// the memory, SQLite, files and PostgreSQL stores and compared with queries/matches.ts evaluated directly on the
// documents (start, stop and descriptors as JSON); errors of duplicate rules must agree too. A failing seed
// is printed with the query, so it can be replayed.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { distinctValues } from "../../src/queries/distinct.ts";
import { wordsOf } from "../../src/queries/fullText.ts";
import {
  filterRuns,
  formatQuery,
  type Query,
  type QueryValue,
  type RunMetadata,
} from "../../src/queries/index.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { realRuns } from "../storage/realRuns.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { QueryGenerator, seededRandom, type Vocabulary } from "./randomQueries.ts";

const QUERIES = 600;

/** Awkward metadata real data lacks: every JSON type under one key, ties, shared prefixes, unicode. */
function syntheticRuns(): DocumentPair[][] {
  const number = { dtype: "number" as const, shape: [], source: "sim" };
  const specs: Array<{
    uid: string;
    time: number;
    start: Record<string, unknown>;
    stop?: boolean;
    configs?: number[];
  }> = [
    {
      uid: "abcdef01-synthetic",
      time: 1_600_000_000,
      start: { plan_name: 5, scan_id: 3, sample: "Ångström 50%_off" },
    },
    {
      uid: "abcdef02-synthetic",
      time: 1_600_000_000,
      start: { plan_name: null, scan_id: 3, sample: "a\\b [x]*?" },
    },
    {
      uid: "abcdef03-synthetic",
      time: 1_600_000_100,
      start: { plan_name: ["scan", 1], scan_id: 4, stop: "key named stop" },
    },
    {
      uid: "fedcba01-synthetic",
      time: 1_599_999_000,
      start: { plan_name: true, scan_id: -1, detectors: ["det", 2, null, ["x"], { a: 1 }] },
    },
    {
      uid: "fedcba02-synthetic",
      time: 1_599_999_000,
      start: { plan_name: "Straße", sample: { name: "𝔘 astral", t: 1e21 } },
      stop: false,
    },
    {
      uid: "0a1b2c3d-synthetic",
      time: 1_400_000_000,
      start: { plan_name: "scan", scan_id: 1, note: 'quote " and line\nbreak' },
      configs: [0.1, 0.2],
    },
  ];
  return specs.map((spec) => {
    const run = composeRun(spec.start, { uid: spec.uid, time: spec.time });
    const documents: DocumentPair[] = [["start", run.start]];
    (spec.configs ?? [0.5]).forEach((exposure, index) => {
      const stream = run.composeDescriptor({
        name: index === 0 ? "primary" : "baseline",
        data_keys: { det: { ...number, units: index === 0 ? "counts" : "mm" } },
        configuration: {
          det: {
            data: { det_exposure_time: exposure },
            timestamps: { det_exposure_time: 1 },
            data_keys: { det_exposure_time: number },
          },
        },
      });
      documents.push(["descriptor", stream.descriptor]);
    });
    if (spec.stop !== false)
      documents.push([
        "stop",
        run.composeStop({ exit_status: spec.time > 1_599_999_999 ? "success" : "abort" }),
      ]);
    return documents;
  });
}

/** A run's metadata as JSON, read straight from its documents. */
function metadataOf(documents: DocumentPair[]): RunMetadata & { uid: string } {
  const json = (doc: unknown) => JSON.parse(JSON.stringify(doc));
  const start = json(documents.find(([name]) => name === "start")![1]);
  const stop = documents.find(([name]) => name === "stop");
  return {
    uid: start.uid,
    start,
    stop: stop ? json(stop[1]) : null,
    descriptors: documents.filter(([name]) => name === "descriptor").map(([, doc]) => json(doc)),
  };
}

/** Keys and values to draw from: start leaves (to depth 3), stop leaves, descriptor fields. */
function vocabularyOf(runs: Array<RunMetadata & { uid: string }>): Vocabulary {
  const values = new Map<string, QueryValue[]>();
  const add = (key: string, value: unknown) => {
    if (!values.has(key)) values.set(key, []);
    const list = values.get(key)!;
    if (list.length < 12 && !list.some((seen) => JSON.stringify(seen) === JSON.stringify(value)))
      list.push(value as QueryValue);
  };
  const walk = (prefix: string, value: unknown, depth: number) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && depth > 0) {
      for (const [key, item] of Object.entries(value))
        if (!key.includes(".")) walk(`${prefix}${key}.`, item, depth - 1);
    }
    if (prefix) add(prefix.slice(0, -1), value);
  };
  for (const run of runs) {
    walk("", run.start, 3);
    walk("stop.", run.stop, 1);
    for (const descriptor of run.descriptors ?? []) {
      const d = descriptor as Record<string, Record<string, Record<string, unknown>>>;
      add("descriptors.name", d.name);
      for (const [field, key] of Object.entries(d.data_keys ?? {}).slice(0, 3)) {
        if (field.includes(".")) continue;
        add(`descriptors.data_keys.${field}.dtype`, key.dtype);
        add(`descriptors.data_keys.${field}.units`, key.units ?? "counts");
        add(`descriptors.data_keys.${field}.shape`, key.shape);
      }
      for (const [device, config] of Object.entries(d.configuration ?? {}).slice(0, 2)) {
        for (const [field, value] of Object.entries((config as { data?: object }).data ?? {}).slice(0, 2))
          if (!device.includes(".") && !field.includes("."))
            add(`descriptors.configuration.${device}.data.${field}`, value);
      }
    }
  }
  // Keys seen in many runs first, so queries often meet values; a few rare ones keep absent keys in play.
  const counted = [...values.entries()].sort((a, b) => b[1].length - a[1].length);
  const keys = [...counted.slice(0, 60), ...counted.slice(-20)].map(([key, list]) => ({ key, values: list }));
  keys.push(
    { key: "no_such_key", values: [1] },
    { key: "stop", values: [] },
    { key: "start.stop", values: ["key named stop"] },
  );
  const words = [...new Set(runs.flatMap((run) => JSON.stringify(run.start).match(/[A-Za-z]{3,12}/g) ?? []))]
    .filter((word) => wordsOf(word).length > 0)
    .slice(0, 80);
  const scanIds = runs
    .map((run) => (run.start as { scan_id?: unknown }).scan_id)
    .filter((id): id is number => Number.isInteger(id));
  return {
    keys,
    words: [...words, "Ångström", "STRASSE", "straße", "zzyzx"],
    uidPrefixes: [
      ...runs.slice(0, 30).map((run) => run.uid.slice(0, 5 + (run.uid.length % 4))),
      "abcdef",
      "abcdef0",
      "fedcba0",
      "00000",
    ],
    scanIds: [...new Set([...scanIds, 0, 999])],
    times: runs.map((run) => (run.start as { time: number }).time),
    timezones: ["UTC", "America/Chicago", "Europe/Paris", "Asia/Kolkata"],
  };
}

type Outcome = { uids: string[] } | { error: string };

async function outcome(work: () => Promise<string[]> | string[]): Promise<Outcome> {
  try {
    return { uids: (await work()).sort() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

describe("every adapter answers every query alike (seeded random queries over real runs)", () => {
  const root = mkdtempSync(join(tmpdir(), "databroker-query-agreement-"));
  const stores: Array<[string, Store]> = [];
  let catalog: Array<RunMetadata & { uid: string }> = [];
  let vocabulary: Vocabulary;

  before(async () => {
    const runs = [
      ...(await realRuns()).filter((run) => !run.isolated).map((run) => run.documents),
      ...syntheticRuns(),
    ];
    catalog = runs.map(metadataOf);
    vocabulary = vocabularyOf(catalog);
    stores.push(["memory", await openStore("memory:")]);
    stores.push(["sqlite", await openStore(`sqlite://${join(root, "catalog.sqlite")}`)]);
    stores.push(["files", await openStore(`file://${join(root, "files")}`)]);
    stores.push(["postgres", await openStore(await (await sharedPostgres()).createDatabase())]);
    for (const [, store] of stores) for (const documents of runs) await store.put(documents);
  });

  after(async () => {
    for (const [, store] of stores) await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("holds every run of the catalog", async () => {
    assert.ok(catalog.length > 90, `${catalog.length} runs`);
    for (const [name, store] of stores) assert.equal(await store.count(), catalog.length, name);
  });

  it(`gives the same runs as matches() on the documents, for ${QUERIES} queries`, async () => {
    const seen = { empty: 0, some: 0, errors: 0 };
    for (let seed = 1; seed <= QUERIES; seed++) {
      const query: Query = new QueryGenerator(seededRandom(seed), vocabulary).next(3);
      const expected = await outcome(() => filterRuns(query, catalog).map((run) => run.uid));
      if ("error" in expected) seen.errors++;
      else if (expected.uids.length === 0) seen.empty++;
      else seen.some++;
      for (const [name, store] of stores) {
        const label = `seed ${seed}, ${name}: ${formatQuery(query)}`;
        const found = await outcome(async () => {
          const uids: string[] = [];
          for await (const summary of store.runs(query)) uids.push(summary.uid);
          return uids;
        });
        assert.deepEqual(found, expected, label);
        if ("uids" in expected) assert.equal(await store.count(query), expected.uids.length, label);
      }
    }
    // The generator must exercise all three outcomes, or the property says little.
    assert.ok(seen.some > QUERIES / 4 && seen.empty > QUERIES / 10 && seen.errors > 0, JSON.stringify(seen));
  });

  it("gives the same distinct values with their counts", async () => {
    const random = seededRandom(7);
    for (let round = 0; round < 60; round++) {
      const { key } = vocabulary.keys[Math.floor(random() * vocabulary.keys.length)];
      const query =
        round % 2 === 0 ? ({ op: "all" } as Query) : new QueryGenerator(random, vocabulary).next(1);
      const expected = await outcome(() => [JSON.stringify(distinctValues(filterRuns(query, catalog), key))]);
      for (const [name, store] of stores) {
        const found = await outcome(async () => [JSON.stringify(await store.distinct(key, query))]);
        assert.deepEqual(found, expected, `${name}: distinct ${key} where ${formatQuery(query)}`);
      }
    }
  });
});
