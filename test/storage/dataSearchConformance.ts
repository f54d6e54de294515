// Search into data, in the shared conformance suite: on generated runs with known data (NaN, ±Infinity, empty
// streams, strings, booleans, ragged and n-d arrays, a stream of two descriptors, events appended by a later
// put), every data query returns exactly the runs a brute-force scan of the events put selects. The scan
// below reads the documents as generated, never the store's statistics.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeRun } from "../../src/documents/compose.ts";
import type { DataKey, DocumentPair } from "../../src/documents/types.ts";
import { UnsupportedError } from "../../src/errors.ts";
import type { DataStatName } from "../../src/queries/dataKey.ts";
import { type DistinctValue, sortDistinct } from "../../src/queries/distinct.ts";
import type { DataStatOperator } from "../../src/queries/kinds/dataStat.ts";
import { parseQuery } from "../../src/queries/parseQuery.ts";
import type { Query } from "../../src/queries/Query.ts";
import type { Store } from "../../src/storage/Store.ts";
import { seededRandom } from "../queries/randomQueries.ts";
import { collect } from "./storeHelpers.ts";

type Open = () => Promise<Store>;

/** What the brute force knows of one stream of a run: its events and each declared field's values by event. */
interface KnownStream {
  events: number;
  fields: Map<string, unknown[]>;
}
type KnownRun = Map<string, KnownStream>;

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

function valueMaker(rnd: () => number, kind: string): () => unknown {
  const scalar = () =>
    rnd() < 0.08 ? SPECIAL[Math.floor(rnd() * 3)] : Math.round((rnd() * 20 - 10) * 4) / 4;
  switch (kind) {
    case "scalar":
      return scalar;
    case "integer":
      return () => Math.floor(rnd() * 7) - 3;
    case "vector":
      return () => [scalar(), scalar(), scalar()];
    case "image":
      return () => [
        [scalar(), scalar()],
        [scalar(), scalar()],
      ];
    case "ragged":
      return () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, scalar);
    case "text":
      return () => ["a", "b", "c"][Math.floor(rnd() * 3)];
    default:
      return () => rnd() < 0.5;
  }
}

const KINDS: Record<string, { kind: string; key: DataKey }> = {
  a: { kind: "scalar", key: { dtype: "number", shape: [], source: "sim" } },
  i: { kind: "integer", key: { dtype: "integer", shape: [], source: "sim" } },
  v: { kind: "vector", key: { dtype: "array", shape: [3], source: "sim" } },
  img: { kind: "image", key: { dtype: "array", shape: [2, 2], source: "sim" } },
  rag: { kind: "ragged", key: { dtype: "array", shape: [null as unknown as number], source: "sim" } },
  s: { kind: "text", key: { dtype: "string", shape: [], source: "sim" } },
  flag: { kind: "boolean", key: { dtype: "boolean", shape: [], source: "sim" } },
};

/** A run with random streams and fields; its documents in two puts (the second appends events and stops). */
function generatedRun(rnd: () => number, index: number): { puts: DocumentPair[][]; known: KnownRun } {
  const run = composeRun({ plan_name: "generated", scan_id: index }, { time: 1_700_000_000 + index });
  const first: DocumentPair[] = [["start", run.start]];
  const later: DocumentPair[] = [];
  const known: KnownRun = new Map();
  const streams = ["primary", ...(rnd() < 0.5 ? ["baseline"] : []), ...(rnd() < 0.3 ? ["empty"] : [])];
  for (const name of streams) {
    // primary sometimes has two descriptors, whose statistics the stream sums.
    const descriptors = name === "primary" && rnd() < 0.25 ? 2 : 1;
    const stream: KnownStream = known.get(name) ?? { events: 0, fields: new Map() };
    known.set(name, stream);
    // The stream's events in order: the first half goes in the first put, the rest is appended later.
    const events: DocumentPair[] = [];
    for (let d = 0; d < descriptors; d++) {
      const fields = Object.keys(KINDS).filter(() => rnd() < 0.6);
      const composed = run.composeDescriptor({
        name,
        data_keys: Object.fromEntries(fields.map((field) => [field, KINDS[field].key])),
      });
      first.push(["descriptor", composed.descriptor]);
      for (const field of fields) if (!stream.fields.has(field)) stream.fields.set(field, []);
      const count = name === "empty" ? 0 : Math.floor(rnd() * 7);
      const makers = Object.fromEntries(fields.map((field) => [field, valueMaker(rnd, KINDS[field].kind)]));
      for (let e = 0; e < count; e++) {
        const data = Object.fromEntries(fields.map((field) => [field, makers[field]()]));
        const event = composed.composeEvent({
          data,
          timestamps: Object.fromEntries(fields.map((field) => [field, 1])),
        });
        events.push(["event", event]);
        stream.events++;
        for (const field of fields) stream.fields.get(field)!.push(data[field]);
      }
    }
    const half = Math.ceil(events.length / 2);
    first.push(...events.slice(0, half));
    later.push(...events.slice(half));
  }
  later.push(["stop", run.composeStop({ exit_status: "success" })]);
  return { puts: [first, later], known };
}

/** The brute force's statistics of a field's values, by the definitions of FieldStats. */
function bruteStats(values: unknown[]) {
  const numbers: number[] = [];
  const sums: number[] = [];
  const means: number[] = [];
  const shapes: Array<string | null> = [];
  const flatten = (value: unknown, into: number[]): void => {
    if (typeof value === "number") {
      if (!Number.isNaN(value)) into.push(value);
    } else if (Array.isArray(value)) for (const item of value) flatten(item, into);
  };
  const shapeOf = (value: unknown): number[] | null => {
    if (!Array.isArray(value)) return typeof value === "object" && value !== null ? null : [];
    if (value.length === 0) return [0];
    const inner = value.map(shapeOf);
    const first = JSON.stringify(inner[0]);
    if (inner[0] === null || inner.some((shape) => JSON.stringify(shape) !== first)) return null;
    return [value.length, ...(inner[0] as number[])];
  };
  for (const value of values) {
    const own: number[] = [];
    flatten(value, own);
    numbers.push(...own);
    const sum = own.reduce((total, x) => total + x, 0);
    if (own.length > 0 && !Number.isNaN(sum)) {
      sums.push(sum);
      means.push(sum / own.length);
    }
    const shape = shapeOf(value);
    shapes.push(shape === null ? null : JSON.stringify(shape));
  }
  const agreed = shapes.length > 0 && shapes.every((shape) => shape !== null && shape === shapes[0]);
  return {
    events: values.length,
    count: numbers.length,
    min: numbers.length ? Math.min(...numbers) : null,
    max: numbers.length ? Math.max(...numbers) : null,
    sums,
    means,
    shape: agreed ? shapes[0] : null,
  };
}

function compare(stored: number, operator: DataStatOperator, value: number): boolean {
  return {
    lt: stored < value,
    le: stored <= value,
    gt: stored > value,
    ge: stored >= value,
    eq: stored === value,
  }[operator];
}

/** Whether the brute force selects `run` for a data query (and / or / not of them). */
function selects(query: Query, run: KnownRun): boolean {
  switch (query.op) {
    case "and":
      return query.queries.every((part) => selects(part, run));
    case "or":
      return query.queries.some((part) => selects(part, run));
    case "not":
      return !selects(query.query, run);
    case "hasData": {
      const stream = run.get(query.stream);
      return !!stream && (query.field === undefined || stream.fields.has(query.field));
    }
    case "dataStat": {
      const stream = run.get(query.stream);
      if (!stream) return false;
      if (query.field === undefined) return compare(stream.events, query.operator, query.value);
      const values = stream.fields.get(query.field);
      if (!values) return false;
      const stats = bruteStats(values);
      const perEvent = query.stat === "sum" ? stats.sums : query.stat === "mean" ? stats.means : undefined;
      if (perEvent) return perEvent.some((one) => compare(one, query.operator, query.value));
      const stored = stats[query.stat as "min" | "max" | "count" | "events"];
      return stored !== null && compare(stored, query.operator, query.value);
    }
    case "dataRange": {
      const values = run.get(query.stream)?.fields.get(query.field);
      if (!values) return false;
      const { min, max } = bruteStats(values);
      if (min === null || max === null) return false;
      return query.relation === "within"
        ? min >= query.low && max <= query.high
        : min <= query.high && max >= query.low;
    }
    case "dataShape": {
      const values = run.get(query.stream)?.fields.get(query.field);
      return !!values && bruteStats(values).shape === JSON.stringify(query.shape);
    }
    default:
      throw new Error(`the brute force has no rule for ${query.op}`);
  }
}

const STREAMS = ["primary", "baseline", "empty", "nowhere"];
const FIELDS = [...Object.keys(KINDS), "absent"];
const STATS: DataStatName[] = ["min", "max", "sum", "mean", "count", "events"];
const OPERATORS: DataStatOperator[] = ["lt", "le", "gt", "ge", "eq"];
const THRESHOLDS = [-10, -4.5, -1, 0, 0.25, 1, 2, 3, 4.5, 9.75, 10, 20, Number.MAX_VALUE];

function randomLeaf(rnd: () => number): Query {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const stream = pick(STREAMS);
  const field = pick(FIELDS);
  const roll = rnd();
  if (roll < 0.1) return rnd() < 0.5 ? { op: "hasData", stream } : { op: "hasData", stream, field };
  if (roll < 0.2)
    return {
      op: "dataStat",
      stream,
      stat: "events",
      operator: pick(OPERATORS),
      value: Math.floor(rnd() * 8),
    };
  if (roll < 0.35) {
    const [low, high] = [pick(THRESHOLDS), pick(THRESHOLDS)].sort((x, y) => x - y);
    return { op: "dataRange", stream, field, relation: rnd() < 0.5 ? "within" : "overlaps", low, high };
  }
  if (roll < 0.45) return { op: "dataShape", stream, field, shape: pick([[], [3], [2, 2], [1], [0]]) };
  const stat = pick(STATS);
  const operators = stat === "sum" || stat === "mean" ? OPERATORS.slice(0, 4) : OPERATORS;
  const value =
    stat === "count" || stat === "events" ? Math.floor(rnd() * 20) : pick(THRESHOLDS) * pick([1, -1]);
  return { op: "dataStat", stream, field, stat, operator: pick(operators), value };
}

function randomQuery(rnd: () => number): Query {
  const roll = rnd();
  if (roll < 0.55) return randomLeaf(rnd);
  if (roll < 0.7) return { op: "not", query: randomLeaf(rnd) };
  return { op: rnd() < 0.5 ? "and" : "or", queries: [randomLeaf(rnd), randomQuery(rnd)] };
}

export function dataSearchConformance(open: Open): void {
  describe("search into data", () => {
    test("every data query (and distinct over statistics) selects exactly what a brute-force scan of the events does", async () => {
      const rnd = seededRandom(18);
      const runs = Array.from({ length: 40 }, (_, index) => generatedRun(rnd, index));
      const store = await open();
      try {
        // Every run's first part, then every run's second: events are appended to stored streams.
        for (const run of runs) await store.put(run.puts[0]);
        for (const run of runs) await store.put(run.puts[1]);
        const uids = runs.map((run) => (run.puts[0][0][1] as { uid: string }).uid);
        let nonEmpty = 0;
        for (let i = 0; i < 400; i++) {
          const query = randomQuery(rnd);
          const expected = uids.filter((_, index) => selects(query, runs[index].known)).sort();
          const found = (await collect(store.runs(query))).map((summary) => summary.uid).sort();
          assert.deepEqual(found, expected, `query ${JSON.stringify(query)}`);
          if (expected.length > 0 && expected.length < uids.length) nonEmpty++;
        }
        assert.ok(nonEmpty > 100, `only ${nonEmpty} of the queries told runs apart`);

        // distinct over statistics: each run's value, as the brute force reads it from the events.
        for (const key of [
          "primary.events",
          "baseline.events",
          "primary.a.min",
          "primary.a.max",
          "primary.rag.max",
          "primary.img.count",
          "primary.v.shape",
          "primary.rag.shape",
          "primary.s.shape",
        ]) {
          const [stream, field, stat] = key.split(".");
          const counts = new Map<string, DistinctValue>();
          for (const { known } of runs) {
            const seen = known.get(stream);
            if (!seen) continue;
            let value: unknown;
            if (stat === undefined) value = seen.events;
            else {
              const values = seen.fields.get(field);
              if (!values) continue;
              const stats = bruteStats(values);
              value =
                stat === "shape"
                  ? stats.shape === null
                    ? null
                    : JSON.parse(stats.shape)
                  : stats[stat as "min"];
            }
            if (value === null) continue;
            if (typeof value === "number" && !Number.isFinite(value)) value = null;
            const text = JSON.stringify(value);
            const entry = counts.get(text) ?? { value: value as DistinctValue["value"], count: 0 };
            entry.count++;
            counts.set(text, entry);
          }
          assert.deepEqual(await store.distinct(key), sortDistinct([...counts.values()]), `distinct ${key}`);
        }
        await assert.rejects(store.distinct("primary.a.sum"), /per event, with no one value per run/);
      } finally {
        await store.close();
      }
    });

    test("the language's examples, and a field of external data refuses until indexed", async () => {
      const store = await open();
      try {
        const run = composeRun({ plan_name: "external" });
        const image: DataKey = { dtype: "array", shape: [2, 2], source: "sim", external: "FILESTORE:" };
        const stream = run.composeDescriptor({
          name: "primary",
          data_keys: { img: image, theta: KINDS.a.key },
        });
        const documents: DocumentPair[] = [
          ["start", run.start],
          ["descriptor", stream.descriptor],
        ];
        for (let i = 0; i < 3; i++)
          documents.push([
            "event",
            stream.composeEvent({ data: { img: `datum-${i}`, theta: i }, timestamps: { img: 1, theta: 1 } }),
          ]);
        documents.push(["stop", run.composeStop({ exit_status: "success" })]);
        await store.put(documents);
        const found = async (text: string) =>
          (await collect(store.runs(parseQuery(text)))).map((summary) => summary.uid);
        assert.deepEqual(await found("primary.theta within [0, 2] and primary.theta overlaps [1.5, 9]"), [
          run.start.uid,
        ]);
        assert.deepEqual(await found("primary.events >= 3 and has primary.img"), [run.start.uid]);
        assert.deepEqual(await found("primary.theta.min > 0"), []);
        await assert.rejects(
          collect(store.runs(parseQuery("primary.img.max > 1"))),
          (error: Error) =>
            error instanceof UnsupportedError &&
            /primary\.img is not indexed yet.*databroker index/.test(error.message),
        );
      } finally {
        await store.close();
      }
    });
  });
}
