// A property test: valid-but-extreme documents (times no JS Date holds, huge and unsafe integers, NaN and
// ±Infinity in events, empty strings, odd keys — unicode, dots, spaces, `$`, very long —, empty objects and
// arrays, nested metadata), generated from a seed, through every read path of every backend (memory, files,
// SQLite, PostgreSQL): stored or refused with a product error, listed, searched, sorted, shown as a table and
// as CSV/JSON, replayed equal to what was stored, and served over HTTP (on SQLite) never with a 500.
//
// Default: 3 seeds per backend; DATABROKER_PROPERTY_ROUNDS=n for n seeds.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { composeRun } from "../../src/documents/compose.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { DatabrokerError, ValidationError } from "../../src/errors.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { tableToCSV, tableToJSONText } from "../../src/tables/index.ts";
import { seededRandom } from "../queries/randomQueries.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";

const ROUNDS = Number(process.env.DATABROKER_PROPERTY_ROUNDS ?? 3);
const KEY = "extreme_values_key_0123456789";

/** Times the product stores: the edges of years 1 and 9999, negative, zero, denormal. */
const TIMES = [-62_135_596_800, 253_402_300_799, -1, -1e-300, 0, 5e-324, 1_700_000_000.5];
/** Times outside what a JS Date holds (or years 1 to 9999): refused. */
const BAD_TIMES = [1e300, -1e300, 8.64e15 + 1, -8.64e15 - 1, Number.MAX_VALUE];
const NUMBERS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  5e-324,
  2 ** 53 - 1,
  -(2 ** 53) + 1,
  0,
  1.5,
];
const STRINGS = [
  "",
  " ",
  "ünïcødé ✓ 日本",
  "a".repeat(4_000),
  "line\nbreak",
  'quote " and , comma',
  "$gt",
  "a.b",
];
const KEYS = ["ключ", "with space", "$dollar", "k".repeat(1_000), "🙂", "x-y", "_", " "];
/** Keys the event model's metadata forbids (a dot or slash, or empty): refused. */
const BAD_KEYS = ["a.b", "a/b", ""];
const SCAN_IDS = [0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 1e308, 1];

interface Case {
  label: string;
  pairs: DocumentPair[];
  uid: string;
  planName: string;
  /** A top-level key of the start, and its value, to search by. */
  oddKey: string;
  oddValue: unknown;
  events: number;
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

/**
 * A run of extreme documents: start, one primary descriptor, events, stop. Composed from safe names, then
 * given odd keys (composeRun would refuse some of them itself): whether they are valid is the put's to say.
 */
function extremeCase(random: () => number, seed: number, index: number, bad = false): Case {
  const TIMES_ = bad && random() < 0.5 ? BAD_TIMES : TIMES;
  const oddKey = bad && TIMES_ === TIMES ? pick(random, BAD_KEYS) : pick(random, KEYS);
  const oddValue = pick(random, [...STRINGS, 1, -0.5, true]);
  const planName = pick(random, STRINGS);
  const run = composeRun(
    { plan_name: planName, scan_id: pick(random, SCAN_IDS), empty_object: {}, empty_array: [] },
    { uid: `extreme-${seed}-${index}`, time: pick(random, TIMES_) },
  );
  Object.assign(run.start, {
    [oddKey]: oddValue,
    nested: {
      a: { [pick(random, KEYS)]: [{ d: [] }, { e: pick(random, STRINGS) }], f: { g: { h: [1, [2, [3]]] } } },
    },
    strings: STRINGS.slice(0, 3),
  });
  const data_keys = {
    v: { dtype: "number" as const, shape: [], source: "sim" },
    x: { dtype: "number" as const, shape: [], source: "sim" },
    label: { dtype: "string" as const, shape: [], source: "sim" },
  };
  const primary = run.composeDescriptor({
    data_keys,
    time: pick(random, TIMES_),
    configuration: {},
    hints: {},
  });
  const pairs: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", primary.descriptor],
  ];
  const events = 1 + Math.floor(random() * 4);
  for (let i = 0; i < events; i++) {
    const eventTime = pick(random, TIMES_);
    pairs.push([
      "event",
      primary.composeEvent({
        data: { v: pick(random, NUMBERS), x: pick(random, NUMBERS), label: pick(random, STRINGS) },
        timestamps: { v: eventTime, x: eventTime, label: eventTime },
        time: eventTime,
      }),
    ]);
  }
  pairs.push(["stop", run.composeStop({ time: pick(random, TIMES_), reason: pick(random, STRINGS) })]);
  // The field `v` renamed to an odd key in the descriptor and every event.
  const field = pick(random, KEYS);
  for (const [name, doc] of pairs) {
    const record = doc as Record<string, Record<string, unknown>>;
    const parts =
      name === "descriptor" ? [record.data_keys] : name === "event" ? [record.data, record.timestamps] : [];
    for (const part of parts) {
      part[field] = part.v;
      delete part.v;
    }
  }
  return {
    label: `seed ${seed} ${bad ? "refused " : ""}run ${index}`,
    pairs,
    uid: run.start.uid,
    planName,
    oddKey,
    oddValue,
    events,
  };
}

/**
 * A run written as JSON text with the largest integers a double holds exactly (±2**53) and a float past them,
 * read back by readDocuments (integers it would round are refused: see "integers past 2**53" below).
 */
async function hugeIntegerCase(dir: string, seed: number): Promise<Case> {
  const uid = `extreme-huge-${seed}`;
  const huge = "9007199254740992"; // 2**53: exact
  const text = [
    `["start", {"uid": "${uid}", "time": 1700000000, "plan_name": "huge", "scan_id": ${huge}, "big": ${huge}, "bigger": 1.2345678901234568e29}]`,
    `["descriptor", {"uid": "${uid}-d", "run_start": "${uid}", "time": 1700000000, "name": "primary", "data_keys": {"n": {"dtype": "integer", "shape": [], "source": "sim"}}}]`,
    `["event", {"uid": "${uid}-e1", "descriptor": "${uid}-d", "seq_num": 1, "time": 1700000001, "data": {"n": ${huge}}, "timestamps": {"n": 1700000001}}]`,
    `["event", {"uid": "${uid}-e2", "descriptor": "${uid}-d", "seq_num": 2, "time": 1700000002, "data": {"n": -${huge}}, "timestamps": {"n": 1700000002}}]`,
    `["stop", {"uid": "${uid}-s", "run_start": "${uid}", "time": 1700000003, "exit_status": "success"}]`,
  ].join("\n");
  const path = join(dir, `${uid}.jsonl`);
  writeFileSync(path, `${text}\n`);
  const pairs: DocumentPair[] = [];
  for await (const pair of readDocuments(path)) pairs.push(pair);
  return {
    label: `seed ${seed} huge integers`,
    pairs,
    uid,
    planName: "huge",
    oddKey: "big",
    oddValue: (pairs[0][1] as { big?: unknown }).big,
    events: 2,
  };
}

/** Runs `body`; a product error is an answer (returned), anything else fails the test. */
async function productOutcome<T>(what: string, body: () => Promise<T>): Promise<T | DatabrokerError> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof DatabrokerError) return error;
    throw new Error(`${what}: not a product error: ${(error as Error)?.stack ?? error}`);
  }
}

/** Key order aside, the same JSON-ish value (NaN equal to NaN, -0 distinct from 0 as deepStrictEqual says). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array))
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

interface Backend {
  name: string;
  uri(dir: string): Promise<string>;
}

const BACKENDS: Backend[] = [
  { name: "memory", uri: async () => "memory:" },
  { name: "files", uri: async (dir) => `file://${join(dir, "files")}` },
  { name: "SQLite", uri: async (dir) => join(dir, "catalog.sqlite") },
  { name: "PostgreSQL", uri: async () => (await sharedPostgres()).createDatabase() },
];

/** What happened to each case, for the report: refused runs and paths that answered with a product error. */
const outcomes: string[] = [];

for (const backend of BACKENDS) {
  describe(`extreme values on ${backend.name}`, () => {
    const dirs: string[] = [];
    after(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    for (let seed = 1; seed <= ROUNDS; seed++) {
      test(`seed ${seed}: stored or refused, then every read path answers`, async () => {
        const dir = mkdtempSync(join(tmpdir(), "databroker-extreme-"));
        dirs.push(dir);
        const random = seededRandom(seed * 7919);
        const cases = Array.from({ length: 6 }, (_, i) => extremeCase(random, seed, i));
        const huge = await hugeIntegerCase(dir, seed);
        cases.push(huge);
        const refused = extremeCase(random, seed, 6, true);
        const store = await openStore(await backend.uri(dir));
        const broker = new Broker(store);
        try {
          const stored: Case[] = [];
          for (const c of cases) {
            const put = await productOutcome(`${c.label} put`, () => broker.put(c.pairs));
            if (put instanceof DatabrokerError)
              outcomes.push(`${backend.name} ${c.label}: refused: ${put.message}`);
            else stored.push(c);
          }
          // Out-of-range times and forbidden keys: a validation error that names the document and the value.
          const refusal = await productOutcome(`${refused.label} put`, () => broker.put(refused.pairs));
          assert.ok(refusal instanceof ValidationError, `${refused.label} was not refused`);
          assert.match(refusal.message, /batch rejected, nothing stored: document \d+ \(\w+\)/);
          if (seed === 1) outcomes.push(`${backend.name} ${refused.label}: refused: ${refusal.message}`);
          assert.deepEqual(
            stored.map((c) => c.label),
            cases.map((c) => c.label),
            "every valid extreme run stored",
          );
          const start = (await broker.run(huge.uid)).start;
          if (seed === 1)
            outcomes.push(
              `${backend.name} 2**53 in JSON text reads back as scan_id ${start.scan_id}, big ${start.big}, bigger ${start.bigger}`,
            );
          await readPaths(backend.name, broker, stored);
          const events = stored.reduce((n, c) => n + c.events, 0);
          outcomes.push(
            `${backend.name} seed ${seed}: ${stored.length} runs (${events} events) stored and read on every path`,
          );
          if (backend.name === "SQLite") await httpPaths(broker, stored);
        } finally {
          await broker.close();
          await store.close();
        }
      });
    }
  });
}

after(() => {
  for (const line of outcomes) console.log(`# ${line.slice(0, 400)}`);
});

async function readPaths(backend: string, broker: Broker, stored: Case[]): Promise<void> {
  const note = (c: Case, path: string, error: DatabrokerError) =>
    outcomes.push(`${backend} ${c.label}: ${path}: ${error.constructor.name}: ${error.message}`);
  const uids = stored.map((c) => c.uid).sort();
  // Listed, in every order asked.
  for (const sort of [undefined, "-time", "time", "scan_id", "-scan_id"] as const) {
    const page = await productOutcome(`page sort ${sort}`, () => broker.page({ sort, limit: 1_000 }));
    assert.ok(!(page instanceof DatabrokerError), `page({sort: ${sort}}): ${(page as Error).message}`);
    assert.deepEqual(page.map((run) => run.uid).sort(), uids, `page({sort: ${sort}})`);
  }
  const summaries: string[] = [];
  for await (const summary of broker.summaries({ limit: 1_000 })) summaries.push(summary.start.uid);
  assert.deepEqual(summaries.sort(), uids, "summaries");

  for (const c of stored) {
    // Searched: by plan_name (always found), by the odd key (found, or refused as a product error).
    const byPlan = await productOutcome(`${c.label} search plan_name`, () =>
      broker.search({ op: "eq", key: "plan_name", value: c.planName }).page({ limit: 1_000 }),
    );
    if (byPlan instanceof DatabrokerError) note(c, "search by plan_name", byPlan);
    else
      assert.ok(
        byPlan.some((run) => run.uid === c.uid),
        `${c.label}: search plan_name == ${JSON.stringify(c.planName).slice(0, 50)}`,
      );
    if (typeof c.oddValue === "string" || typeof c.oddValue === "number" || typeof c.oddValue === "boolean") {
      const value = c.oddValue;
      const byKey = await productOutcome(`${c.label} search ${c.oddKey}`, () =>
        broker.search({ op: "eq", key: c.oddKey, value }).page({ limit: 1_000 }),
      );
      if (byKey instanceof DatabrokerError) note(c, `search by ${c.oddKey.slice(0, 20)}`, byKey);
      else if (!byKey.some((run) => run.uid === c.uid))
        outcomes.push(`${backend} ${c.label}: search ${c.oddKey.slice(0, 20)} == value did not find it`);
    }

    // Shown: start, descriptors, the primary stream as a table, CSV and JSON.
    const run = await productOutcome(`${c.label} run`, () => broker.run(c.uid));
    assert.ok(!(run instanceof DatabrokerError), `${c.label}: run: ${(run as Error).message}`);
    assert.deepEqual(canonical(run.start), canonical(c.pairs[0][1]), `${c.label}: run.start`);
    assert.deepEqual(run.streamNames, ["primary"]);
    assert.equal(run.streamDescriptors("primary").length, 1);
    const table = await productOutcome(`${c.label} read`, () => run.stream("primary").read());
    if (table instanceof DatabrokerError) note(c, "stream read", table);
    else {
      assert.equal(table.length, c.events, `${c.label}: rows`);
      const csv = tableToCSV(table);
      assert.equal(
        csv.split("\n").filter((line) => line.length > 0).length >= c.events + 1,
        true,
        `${c.label}: csv`,
      );
      JSON.parse(tableToJSONText(table));
    }
    await productOutcome(`${c.label} summary`, () => run.summary());

    // Exported: the documents replayed as stored.
    const replayed: DocumentPair[] = [];
    const replay = await productOutcome(`${c.label} documents`, async () => {
      for await (const pair of run.documents()) replayed.push(pair);
    });
    if (replay instanceof DatabrokerError) note(c, "documents", replay);
    else assert.deepEqual(canonical(replayed), canonical(c.pairs), `${c.label}: documents replayed`);
  }
}

async function httpPaths(broker: Broker, stored: Case[]): Promise<void> {
  const app = await createServer({ broker, auth: { apiKey: KEY }, logger: false });
  const headers = { authorization: `Apikey ${KEY}` };
  try {
    const get = async (url: string) => {
      const response = await app.inject({ method: "GET", url, headers });
      assert.ok(
        response.statusCode < 500,
        `GET ${url}: ${response.statusCode} ${response.body.slice(0, 500)}`,
      );
      if (response.statusCode !== 200)
        outcomes.push(`HTTP GET ${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      return response;
    };
    const search = await get("/api/v1/search/?page[limit]=100");
    assert.equal(search.statusCode, 200);
    assert.equal((search.json() as { data: unknown[] }).data.length, stored.length);
    await get("/api/v1/search/?page[limit]=100&sort=-time");
    await get("/api/v1/search/?page[limit]=100&sort=scan_id");
    for (const c of stored) {
      const uid = encodeURIComponent(c.uid);
      await get(
        `/api/v1/search/?page[limit]=100&filters[eq][condition][key]=plan_name&filters[eq][condition][value]=${encodeURIComponent(JSON.stringify(c.planName))}`,
      );
      assert.equal((await get(`/api/v1/metadata/${uid}`)).statusCode, 200);
      assert.equal((await get(`/api/v1/metadata/${uid}?numbers=exact`)).statusCode, 200);
      assert.equal((await get(`/api/v1/search/${uid}`)).statusCode, 200);
      assert.equal((await get(`/api/v1/table/full/${uid}/primary/data?format=text/csv`)).statusCode, 200);
      assert.equal(
        (await get(`/api/v1/table/full/${uid}/primary/data?format=application/json`)).statusCode,
        200,
      );
      assert.equal((await get(`/api/v1/documents/${uid}`)).statusCode, 200);
    }
  } finally {
    await app.close();
  }
}

test("integers past 2**53 in JSON text are refused where they are, never rounded silently", async () => {
  const dir = mkdtempSync(join(tmpdir(), "databroker-huge-"));
  try {
    for (const [where, line] of [
      ["a start", '["start", {"uid": "h1", "time": 1700000000, "scan_id": 9007199254740993}]'],
      [
        "an event",
        '["event", {"uid": "e1", "descriptor": "d", "seq_num": 1, "time": 1, "data": {"n": -123456789012345678901}, "timestamps": {"n": 1}}]',
      ],
    ]) {
      const path = join(dir, "huge.jsonl");
      writeFileSync(path, `${line}\n`);
      await assert.rejects(
        (async () => {
          for await (const _ of readDocuments(path));
        })(),
        /line 1: .*cannot be kept exactly/,
        where,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("64-bit integers past 2**53 in msgpack are refused where they are; ±2**53 and safe ones are kept", async () => {
  const { Packr } = await import("msgpackr");
  const packr = new Packr({ useRecords: false, int64AsType: "bigint" });
  const dir = mkdtempSync(join(tmpdir(), "databroker-huge-msgpack-"));
  try {
    const start = (scanId: bigint | number) => ["start", { uid: "m1", time: 1700000000, scan_id: scanId }];
    const path = join(dir, "huge.msgpack");
    writeFileSync(path, packr.pack(start(2n ** 53n + 1n)));
    await assert.rejects(
      (async () => {
        for await (const _ of readDocuments(path));
      })(),
      /byte \d+: the integer 9007199254740993 cannot be kept exactly/,
    );
    writeFileSync(path, packr.pack(start(-(2n ** 53n))));
    const pairs: DocumentPair[] = [];
    for await (const pair of readDocuments(path)) pairs.push(pair);
    assert.equal((pairs[0][1] as { scan_id: number }).scan_id, -(2 ** 53));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
