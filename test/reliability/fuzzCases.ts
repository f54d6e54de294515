// The fuzzer's case generators, all driven by one seeded PRNG: structure-aware mutations of real documents,
// byte-level damage to valid bodies of each accepted content type, and odd paths and query parameters for the
// GET routes of the route table.
import { randomUUID } from "node:crypto";
import { pack } from "msgpackr";
import type { DocumentPair } from "../../src/documents/types.ts";

export type Random = () => number;

export function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)];
}

/** A run's documents with every uid replaced by a new one (references follow), so it is a new run. */
export function renamed(pairs: DocumentPair[]): DocumentPair[] {
  const fresh = new Map<string, string>();
  for (const [, doc] of pairs) {
    const uid = (doc as { uid?: unknown }).uid;
    if (typeof uid === "string") fresh.set(uid, randomUUID());
  }
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return fresh.get(value) ?? value;
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    return value;
  };
  return pairs.map(([name, doc]) => [name, walk(doc)] as DocumentPair);
}

function deepNest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** Values that break assumptions: extreme numbers, strings standing for numbers, deep and odd shapes. */
function extremeValue(random: Random, msgpack: boolean): unknown {
  const values: Array<() => unknown> = [
    () => 1e308,
    () => -1e308,
    () => -0,
    () => 5e-324,
    () => 2 ** 53 + 1,
    () => -(2 ** 63),
    () => -1,
    () => 0,
    () => 1e21,
    () => "NaN",
    () => "Infinity",
    () => "-1e999",
    () => (msgpack ? Number.NaN : "nan"),
    () => (msgpack ? Number.POSITIVE_INFINITY : "inf"),
    () => "x".repeat(1 + int(random, 200_000)),
    () => "ü😀\u202e\ud800\u0000名前",
    () => null,
    () => ({}),
    () => [],
    () => [[], {}, [null]],
    () => true,
    () => "",
    () => randomUUID(),
    () => "not-a-uid",
    () => deepNest(1 + int(random, 1500)), // either side of the 1,000-level input limit
    () => Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
    () => ({ __proto__: { polluted: true }, constructor: { prototype: 1 } }),
    () => Array.from({ length: 1 + int(random, 5000) }, (_, i) => i),
  ];
  return pick(random, values)();
}

const JUNK_KEYS = [
  "",
  "__proto__",
  "constructor",
  "uid",
  "time",
  "data",
  "x",
  "ü",
  "a.b",
  "$where",
  "k".repeat(300),
];

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A nested object inside `doc` (or doc itself) to put a mutation in. */
function someObject(random: Random, doc: Record<string, unknown>): Record<string, unknown> {
  let target = doc;
  for (let depth = 0; depth < 3; depth++) {
    const inner = Object.values(target).filter(
      (value): value is Record<string, unknown> =>
        value !== null && typeof value === "object" && !Array.isArray(value),
    );
    if (inner.length === 0 || random() < 0.4) break;
    target = pick(random, inner);
  }
  return target;
}

/** Mutation kinds of whole documents and of their fields. */
export const STRUCTURE_MUTATIONS = [
  "drop",
  "duplicate",
  "reorder",
  "delete field",
  "retype field",
  "extreme value",
  "junk field",
  "rename document",
  "wrong uid",
  "replace document",
] as const;

export function mutateStructure(
  random: Random,
  base: DocumentPair[],
  msgpack: boolean,
): { pairs: unknown[]; kinds: string[] } {
  const pairs = clone(base) as Array<[string, Record<string, unknown>]>;
  const kinds: string[] = [];
  const rounds = 1 + int(random, 3);
  for (let round = 0; round < rounds && pairs.length > 0; round++) {
    const kind = pick(random, STRUCTURE_MUTATIONS);
    kinds.push(kind);
    const at = int(random, pairs.length);
    // A document replaced by junk earlier has no object to mutate: mutate a placeholder instead.
    const held = Array.isArray(pairs[at]) ? pairs[at][1] : undefined;
    const doc: Record<string, unknown> = held !== null && typeof held === "object" ? held : {};
    switch (kind) {
      case "drop":
        pairs.splice(at, 1);
        break;
      case "duplicate":
        pairs.splice(int(random, pairs.length + 1), 0, clone(pairs[at]));
        break;
      case "reorder": {
        const other = int(random, pairs.length);
        [pairs[at], pairs[other]] = [pairs[other], pairs[at]];
        break;
      }
      case "delete field": {
        const target = someObject(random, doc);
        const keys = Object.keys(target);
        if (keys.length > 0) delete target[pick(random, keys)];
        break;
      }
      case "retype field":
      case "extreme value": {
        const target = someObject(random, doc);
        const keys = Object.keys(target);
        if (keys.length > 0) target[pick(random, keys)] = extremeValue(random, msgpack);
        break;
      }
      case "junk field":
        someObject(random, doc)[pick(random, JUNK_KEYS)] = extremeValue(random, msgpack);
        break;
      case "rename document":
        pairs[at] = [
          pick(random, ["", "Start", "event_page", "datum", "resource", "bulk_events", "junk", "stop"]),
          doc,
        ];
        break;
      case "wrong uid": {
        const field = pick(random, ["uid", "run_start", "descriptor", "resource"]);
        doc[field] = pick(random, [
          randomUUID(),
          "",
          42,
          null,
          "x".repeat(10_000),
          (base[0][1] as { uid: string }).uid,
        ]);
        break;
      }
      case "replace document":
        (pairs as unknown[])[at] = pick(random, [
          null,
          [],
          ["start"],
          ["start", null, "extra"],
          "start",
          { name: "start", doc: {} },
          [1, 2],
          extremeValue(random, msgpack),
        ]);
        break;
    }
  }
  return { pairs, kinds };
}

export type BodyFormat = "json" | "json-seq" | "jsonl-lines" | "msgpack";

export const BODY_TYPES: Record<BodyFormat, string[]> = {
  json: ["application/json"],
  "json-seq": ["application/json-seq"],
  "jsonl-lines": ["application/x-ndjson", "application/jsonl", "application/json-seq"],
  msgpack: ["application/x-msgpack", "application/msgpack"],
};

/** The body of `pairs` in `format`; JSON.stringify failing on a value is left to the caller. */
export function encodeBody(format: BodyFormat, pairs: unknown[]): Buffer {
  if (format === "msgpack") return Buffer.concat(pairs.map((pair) => pack(pair)));
  if (format === "json") return Buffer.from(JSON.stringify(pairs));
  if (format === "json-seq")
    return Buffer.from(pairs.map((pair) => `\x1e${JSON.stringify(pair)}\n`).join(""));
  return Buffer.from(pairs.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
}

export const BYTE_MUTATIONS = ["flip", "insert", "delete", "truncate", "invalid utf-8", "splice"] as const;

const BAD_BYTES = [
  [0xc0, 0xaf],
  [0xff, 0xfe],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x00],
  [0x1e],
  [0x0a],
  [0xc1, 0xbf],
  [0xdd, 0xff, 0xff, 0xff, 0xff],
];

export function mutateBytes(random: Random, body: Buffer): { body: Buffer; kinds: string[] } {
  let bytes = Buffer.from(body);
  const kinds: string[] = [];
  const rounds = 1 + int(random, 3);
  for (let round = 0; round < rounds; round++) {
    const kind = pick(random, BYTE_MUTATIONS);
    kinds.push(kind);
    const at = int(random, bytes.length + 1);
    switch (kind) {
      case "flip":
        if (bytes.length > 0) bytes[at % bytes.length] ^= 1 << int(random, 8);
        break;
      case "insert":
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(Array.from({ length: 1 + int(random, 8) }, () => int(random, 256))),
          bytes.subarray(at),
        ]);
        break;
      case "delete":
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + int(random, 16))]);
        break;
      case "truncate":
        bytes = bytes.subarray(0, at);
        break;
      case "invalid utf-8":
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(pick(random, BAD_BYTES)),
          bytes.subarray(at),
        ]);
        break;
      case "splice": {
        const from = int(random, bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(from, from + int(random, 64))]);
        break;
      }
    }
  }
  return { body: bytes, kinds };
}

const JUNK_SEGMENTS = [
  "x".repeat(5000),
  "%00",
  "%ZZ",
  "%",
  "..",
  "../..",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e",
  encodeURIComponent("ü😀名前"),
  "%C0%AF",
  "%FF%FE",
  "%ED%A0%80",
  "",
  "-1",
  "1e21",
  "primary",
  "*",
  "%2A",
  "a%2Fb",
  "not-a-uid",
  "00000000-0000-0000-0000-000000000000",
  ";",
  "%3F",
  "%23",
];

const PARAM_NAMES = [
  "page[offset]",
  "page[limit]",
  "filter[fulltext][condition][text]",
  "filter[eq][condition][key]",
  "filter[eq][condition][value]",
  "filter[comparison][condition][operator]",
  "filter[comparison][condition][key]",
  "filter[comparison][condition][value]",
  "filter[in][condition][value]",
  "filter[junk][condition][x]",
  "filter[",
  "filter[]",
  "format",
  "fields",
  "field",
  "sort",
  "slice",
  "block",
  "expected_shape",
  "partition",
  "include_data_sources",
  "select_metadata",
  "max_depth",
  "omit_links",
  "counts",
  "seq_num",
  "stream",
  "names",
  "limit",
  "offset",
  "time",
  "align",
  "method",
  "tolerance",
  "prefix",
  "resample",
  "bin_by",
  "bins",
  "agg",
  "junk",
  "",
  "ü",
];

const PARAM_VALUES = [
  "-1",
  "0",
  "1e21",
  "9007199254740993",
  "NaN",
  "Infinity",
  "-0",
  "1.5",
  "0x10",
  "",
  "junk",
  "x".repeat(10_000),
  "ü😀名前",
  "[]",
  "{}",
  '{"a":1}',
  '["a"]',
  "null",
  "%",
  "%00",
  "\u0000",
  "..",
  ",,,",
  "-time,uid,-",
  "::-1",
  "0:10:0",
  "1,2,3",
  "text/csv",
  "application/x-hdf5",
  "application/json",
  "image/png",
  "foo/bar",
  "scan_id",
  "start.uid",
  "time",
  "true",
  "false",
  "eq",
  "ge",
];

const ACCEPTS = [
  "application/json",
  "application/x-msgpack",
  "text/csv",
  "application/x-hdf5",
  "*/*",
  "junk",
  "text/html",
  "application/vnd.apache.arrow.file",
  "",
];

/** A path target (already percent-encoded where it must be), the GET `pattern` with `*` filled. */
export function oddGet(
  random: Random,
  pattern: string,
  real: string[],
): { path: string; accept: string; kinds: string[] } {
  const kinds: string[] = [];
  // Our own routes' parameters (`:uid`, `:id`, `:tag`): a real segment or junk in each.
  let path = pattern.replace(/:[a-z]+/g, () => {
    const isReal = random() < 0.6;
    kinds.push(isReal ? "real segment" : "junk segment");
    return pick(random, isReal ? real : JUNK_SEGMENTS);
  });
  if (path.endsWith("*")) {
    const segments: string[] = [];
    const count = 1 + int(random, 4);
    for (let i = 0; i < count; i++) {
      if (random() < 0.6) {
        segments.push(pick(random, real));
        kinds.push("real segment");
      } else {
        segments.push(pick(random, JUNK_SEGMENTS));
        kinds.push("junk segment");
      }
    }
    path = `${path.slice(0, -1)}${segments.join("/")}`;
  } else if (random() < 0.2) {
    path = `${path}${pick(random, ["/", "//", "/..", "%00", `/${pick(random, JUNK_SEGMENTS)}`])}`;
    kinds.push("odd suffix");
  }
  const params: string[] = [];
  const count = int(random, 5);
  for (let i = 0; i < count; i++) {
    const name = pick(random, PARAM_NAMES);
    const value = pick(random, PARAM_VALUES);
    // Mostly encoded as a client would; sometimes raw (what only ASCII allows on the wire).
    const raw = random() < 0.3 && /^[\x21-\x7e]*$/.test(name + value);
    params.push(raw ? `${name}=${value}` : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  if (count > 0) kinds.push("params");
  const query = params.length > 0 ? `?${params.join("&")}` : "";
  return { path: `${path}${query}`, accept: pick(random, ACCEPTS), kinds };
}
