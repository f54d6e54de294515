// Thousands of seeded mutations of real and synthetic documents: for every one, our verdict (fast and
// explaining) equals ajv's with the official schemas. Deterministic: the same seed gives the same cases.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DOCUMENT_NAMES, type DocumentName } from "../../src/documents/types.ts";
import { isValidDocument, validateDocument } from "../../src/documents/validate.ts";
import { officialVerdicts, realDocuments } from "./schema-oracle.ts";
import { sampleDocument } from "./schema-samples.ts";

/** mulberry32: a tiny seeded PRNG, so every run tries the same cases. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

type Json = any;

/** Values that probe every type rule: number edge cases (NaN, ±Infinity, -0, 1.0), wrong containers, bad keys. */
const VALUES: readonly (() => unknown)[] = [
  () => 5,
  () => 1.0,
  () => 2.5,
  () => -0,
  () => -7,
  () => 2 ** 53,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => Number.NEGATIVE_INFINITY,
  () => 10n,
  () => "5",
  () => "",
  () => "text",
  () => "FILESTORE:",
  () => "<f8",
  () => true,
  () => false,
  () => null,
  () => undefined,
  () => [],
  () => [1, 2],
  () => [null],
  () => ["a", "b"],
  () => [1.5],
  () => [["x", "<f8"]],
  () => [{ "a.b": 1 }],
  () => ({}),
  () => ({ a: 1 }),
  () => ({ "a.b": 1 }),
  () => ({ "x/y": { z: 1 } }),
  () => ({ ok: { "": 1 } }),
  () => ({ low: 1, high: 2 }),
  () => ({ start: 0, stop: 3 }),
  () => new Float64Array([1, 2]),
];

const KEYS: readonly string[] = [
  "extra",
  "a.b",
  "a/b",
  "",
  ".",
  "x\ny",
  "line\u2028sep",
  "résumé",
  "uid",
  "data",
  "filled",
  "resource_id",
  "path_semantics",
  "run_start",
  "low",
  "start",
];

function anyValue(random: Random): unknown {
  return random.pick(VALUES)();
}

interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

/** Places in a document a mutation can touch: object entries at any depth, and a few items of each array. */
function slotsOf(value: unknown, into: Slot[] = []): Slot[] {
  if (into.length >= 400 || value === null || typeof value !== "object" || ArrayBuffer.isView(value))
    return into;
  if (Array.isArray(value)) {
    const indices = value.length <= 3 ? value.keys() : [0, 1, value.length - 1].values();
    for (const i of indices) {
      into.push({ parent: value, key: i });
      slotsOf(value[i], into);
    }
    return into;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    into.push({ parent: object, key });
    slotsOf(object[key], into);
  }
  return into;
}

function objectsOf(doc: unknown): Record<string, unknown>[] {
  const objects = slotsOf(doc)
    .map((slot) => (slot.parent as any)[slot.key])
    .filter((v) => v !== null && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v));
  return doc !== null && typeof doc === "object" && !Array.isArray(doc) ? [doc as any, ...objects] : objects;
}

/** One random structural change: delete, replace, add a key or rename a key, somewhere in the document. */
function mutateAnywhere(doc: Json, random: Random): string {
  const slots = slotsOf(doc);
  const op = slots.length === 0 ? "add" : random.pick(["delete", "replace", "replace", "add", "rename"]);
  if (op === "add") {
    const target = random.pick(objectsOf(doc));
    if (target === undefined) return "nothing to add to";
    const key = random.pick(KEYS);
    target[key] = anyValue(random);
    return `add ${JSON.stringify(key)}`;
  }
  const slot = random.pick(slots);
  if (op === "delete") {
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete slot.parent[slot.key as string];
    return `delete ${slot.key}`;
  }
  if (op === "rename" && !Array.isArray(slot.parent)) {
    const key = random.pick(KEYS);
    const value = slot.parent[slot.key as string];
    delete slot.parent[slot.key as string];
    slot.parent[key] = value;
    return `rename ${slot.key} to ${JSON.stringify(key)}`;
  }
  (slot.parent as any)[slot.key] = anyValue(random);
  return `replace ${slot.key}`;
}

/** A value hidden `depth` levels down, through objects and sometimes arrays. */
function buried(value: unknown, depth: number, random: Random): unknown {
  let current = value;
  for (let level = 0; level < depth; level++) {
    current = random.chance(0.25) ? [current] : { [random.pick(["level", "inner", "x"])]: current };
  }
  return current;
}

const REQUIRED: Record<DocumentName, string[]> = {
  start: ["uid", "time"],
  stop: ["uid", "time", "run_start", "exit_status"],
  descriptor: ["uid", "time", "run_start", "data_keys"],
  event: ["uid", "descriptor", "seq_num", "time", "data", "timestamps"],
  event_page: ["uid", "descriptor", "seq_num", "time", "data", "timestamps"],
  resource: ["uid", "spec", "root", "resource_path", "resource_kwargs"],
  datum: ["datum_id", "resource", "datum_kwargs"],
  datum_page: ["datum_id", "resource", "datum_kwargs"],
  stream_resource: ["uid", "data_key", "mimetype", "uri", "parameters"],
  stream_datum: ["uid", "stream_resource", "descriptor", "indices", "seq_nums"],
  bulk_events: [],
  bulk_datum: ["resource", "datum_ids", "datum_kwarg_list"],
};

interface Case {
  family: string;
  name: DocumentName;
  doc: unknown;
  what: string;
}

/** Data keys of a descriptor-like document (a real or sample descriptor), one picked at random. */
function someDataKey(doc: Json, random: Random): Json {
  const names = Object.keys(doc.data_keys);
  return doc.data_keys[random.pick(names)];
}

/** The generators: each yields cases of one family from a base document it is given. */
function* generateCases(random: Random, bases: Map<DocumentName, unknown[]>): Generator<Case> {
  const base = (name: DocumentName): Json => structuredClone(random.pick(bases.get(name)!));

  // Random structural changes anywhere in every kind of document.
  for (let i = 0; i < 3000; i++) {
    const name = random.pick(DOCUMENT_NAMES);
    const doc = base(name);
    yield { family: "anywhere", name, doc, what: mutateAnywhere(doc, random) };
  }
  // Missing required keys.
  for (const name of DOCUMENT_NAMES) {
    for (const key of REQUIRED[name]) {
      for (let i = 0; i < 8; i++) {
        const doc = base(name);
        delete doc[key];
        yield { family: "missing", name, doc, what: `without ${key}` };
      }
    }
  }
  // Wrong types on known top-level fields.
  for (let i = 0; i < 900; i++) {
    const name = random.pick(DOCUMENT_NAMES);
    const doc = base(name);
    const keys = Object.keys(doc);
    if (keys.length === 0) continue;
    const key = random.pick(keys);
    doc[key] = anyValue(random);
    yield { family: "field-type", name, doc, what: `${key} replaced` };
  }
  // Extra keys at the top, where forbidden (event, resource, datum...) or allowed (descriptor, stream_*).
  for (let i = 0; i < 500; i++) {
    const name = random.pick(DOCUMENT_NAMES);
    const doc = base(name);
    const key = random.pick(KEYS);
    if (doc !== null && typeof doc === "object") doc[key] = anyValue(random);
    yield { family: "extra-key", name, doc, what: `extra ${JSON.stringify(key)}` };
  }
  // Keys with "." or "/" in metadata at every depth, inside arrays too.
  for (let i = 0; i < 600; i++) {
    const name = random.pick(["start", "stop", "descriptor"] as const);
    const doc = base(name);
    const key = random.pick(["a.b", "a/b", "", "ok", "plain_key", "x.", "/"]);
    const depth = random.int(5);
    const host = random.pick([
      "plan_args",
      "md",
      "hints",
      "sample",
      "data_type",
      "data_keys",
      "configuration",
    ]);
    const nested = buried({ [key]: random.chance(0.5) ? 1 : { deeper: true } }, depth, random);
    if (
      random.chance(0.3) ||
      doc[host] === null ||
      typeof doc[host] !== "object" ||
      Array.isArray(doc[host])
    ) {
      doc[host] = nested;
    } else {
      doc[host][random.pick(["inner", "det", "dimensions"])] = nested;
    }
    yield {
      family: "metadata-key",
      name,
      doc,
      what: `${JSON.stringify(key)} at depth ${depth} under ${host}`,
    };
  }
  const descriptors = (family: string, count: number, change: (dataKey: Json, doc: Json) => string) => {
    const cases: Case[] = [];
    for (let i = 0; i < count; i++) {
      const doc = base("descriptor");
      // A fifth of the time, a data key of a configuration block (same DataKey schema, deeper path).
      const blocks = Object.values(doc.configuration ?? {}).filter(
        (block: Json) => block?.data_keys && Object.keys(block.data_keys).length > 0,
      );
      const target = blocks.length > 0 && random.chance(0.2) ? random.pick(blocks) : doc;
      cases.push({ family, name: "descriptor", doc, what: change(someDataKey(target, random), doc) });
    }
    return cases;
  };
  // `external` patterns.
  yield* descriptors("external", 300, (dataKey) => {
    dataKey.external = random.pick([
      "FILESTORE:",
      "FILESTORE",
      "STREAM:",
      "F",
      "filestore:",
      ":",
      "",
      "1ABC",
      " FILESTORE:",
      "Ärger",
      "STREAM::extra",
      5,
      null,
      ["STREAM:"],
    ]);
    return `external ${JSON.stringify(dataKey.external)}`;
  });
  // Shape entries: null, non-integers, numbers that are integers only in ajv's eyes.
  yield* descriptors("shape", 400, (dataKey) => {
    const entry = anyValue(random);
    dataKey.shape = random.chance(0.85) ? [random.int(100), entry, random.pick([null, 3])] : entry;
    return "shape mutated";
  });
  // Enums: dtype, exit_status, path_semantics.
  const badChoices = ["", "float", "String", "posix ", "Windows", "succes", null, 1, ["number"]];
  yield* descriptors("enum", 250, (dataKey) => {
    dataKey.dtype = random.pick([...["string", "number", "array", "boolean", "integer"], ...badChoices]);
    return `dtype ${JSON.stringify(dataKey.dtype)}`;
  });
  for (let i = 0; i < 250; i++) {
    const stop = base("stop");
    stop.exit_status = random.pick(["success", "abort", "fail", ...badChoices]);
    yield {
      family: "enum",
      name: "stop",
      doc: stop,
      what: `exit_status ${JSON.stringify(stop.exit_status)}`,
    };
    const resource = base("resource");
    resource.path_semantics = random.pick(["posix", "windows", ...badChoices]);
    yield {
      family: "enum",
      name: "resource",
      doc: resource,
      what: `path_semantics ${resource.path_semantics}`,
    };
  }
  // dtype_numpy: strings (the pattern is unanchored) and structured lists of [name, dtype] pairs.
  yield* descriptors("dtype_numpy", 400, (dataKey) => {
    dataKey.dtype_numpy = random.pick([
      "<f8",
      "|u1",
      ">i4",
      "<U9",
      "|b1",
      "<M8",
      "f8",
      "<x8",
      "<f",
      "xx<f8yy",
      "",
      "<F8",
      [["x", "<f8"]],
      [
        ["x", "<f8"],
        ["y", ">i2"],
      ],
      [["x", "f8"]],
      [["x"]],
      [["x", "<f8", "extra"]],
      [[1, "<f8"]],
      [],
      ["<f8"],
      [[]],
      5,
      null,
      { x: "<f8" },
    ]);
    return `dtype_numpy ${JSON.stringify(dataKey.dtype_numpy)}`;
  });
  // Limits: ranges, null, partial ranges, extra keys, hysteresis and rds.
  const range = () =>
    random.pick([
      { low: 0, high: 1 },
      { low: null, high: null },
      { low: Number.NaN, high: Number.POSITIVE_INFINITY },
      { low: 0 },
      { low: "0", high: 1 },
      { low: 0, high: 1, extra: 2 },
      null,
      5,
      [],
    ]);
  yield* descriptors("limits", 500, (dataKey) => {
    const limits: Json = {};
    for (const key of ["control", "display", "warning", "alarm"])
      if (random.chance(0.5)) limits[key] = range();
    if (random.chance(0.4)) limits.hysteresis = random.pick([0.5, null, "0.5", Number.NaN]);
    if (random.chance(0.4)) {
      limits.rds = random.pick([
        { time_difference: 1, value_difference: 2 },
        { time_difference: 1 },
        { time_difference: 1, value_difference: null },
        { time_difference: 1, value_difference: 2, extra: true },
        null,
        5,
      ]);
    }
    if (random.chance(0.1)) limits[random.pick(["upper", "a.b"])] = 1;
    dataKey.limits = random.chance(0.95) ? limits : random.pick([null, 5, []]);
    return `limits ${JSON.stringify(dataKey.limits)}`;
  });
  // Other data key fields: units, precision, dims, choices, object_name, source.
  yield* descriptors("data-key-field", 400, (dataKey) => {
    const field = random.pick(["units", "precision", "dims", "choices", "object_name", "source", "custom"]);
    dataKey[field] = anyValue(random);
    return `${field} replaced`;
  });
  // Configuration blocks.
  for (let i = 0; i < 300; i++) {
    const doc = base("descriptor");
    const block = random.pick([
      {},
      { data: {}, timestamps: {}, data_keys: {} },
      { data: 5 },
      { timestamps: [] },
      { data_keys: { x: { dtype: "number", shape: [], source: "s" } } },
      { data_keys: { x: { dtype: "number", shape: [1.5], source: "s" } } },
      { data_keys: { x: { dtype: "number", source: "s" } } },
      { data_keys: { "x.y": { dtype: "number", shape: [], source: "s" } } },
      { data_keys: 5 },
      { extra: [1, 2] },
      null,
      5,
    ]);
    doc.configuration = random.chance(0.9) ? { ...doc.configuration, dev: block } : block;
    yield {
      family: "configuration",
      name: "descriptor",
      doc,
      what: `configuration ${JSON.stringify(block)}`,
    };
  }
  // Hints: the descriptor's PerObjectHint and the start's dimensions.
  for (let i = 0; i < 300; i++) {
    const doc = base("descriptor");
    doc.hints = random.pick([
      { det: { fields: ["det"] } },
      { fields: ["det"] },
      { fields: "det" },
      { fields: [1] },
      { NX_class: "NXdetector" },
      { NX_class: "NX" },
      { NX_class: "nxdetector" },
      { NX_class: "NXdet ector" },
      { NX_class: "NX_under_score" },
      { NX_class: 5 },
      { "a.b": {} },
      5,
      [],
      null,
    ]);
    yield { family: "hints", name: "descriptor", doc, what: `hints ${JSON.stringify(doc.hints)}` };
    const start = base("start");
    start.hints = random.pick([
      { dimensions: [[["x"], "primary"]] },
      { dimensions: [["x", "primary"]] },
      { dimensions: [[1, "primary"]] },
      { dimensions: [[[1], "primary"]] },
      { dimensions: [] },
      { dimensions: "x" },
      { dimensions: [5] },
      { gridding: "rectilinear" },
      { "a.b": 1 },
      { "a/b": 1 },
      { x: { "a/b": 1 } },
      { x: [{ "a/b": 1 }] },
      "hints",
      null,
    ]);
    yield { family: "hints", name: "start", doc: start, what: `hints ${JSON.stringify(start.hints)}` };
  }
  // Projections of the start document.
  for (let i = 0; i < 300; i++) {
    const doc = sampleDocument("start");
    const entries = doc.projections[0].projection;
    const key = random.pick(Object.keys(entries));
    const entry = entries[key];
    const field = random.pick([...Object.keys(entry), "calculation", "value", "config_index"]);
    if (random.chance(0.3)) delete entry[field];
    else entry[field] = random.chance(0.5) ? anyValue(random) : random.pick(["linked", "event", "static"]);
    if (random.chance(0.1)) doc.projections[0][random.pick(["version", "configuration", "projection"])] = 5;
    yield { family: "projections", name: "start", doc, what: `projection ${key}.${field}` };
  }
  // Numbers that only some schemas accept: integers are NaN-free but may be 1.0 or Infinity.
  for (let i = 0; i < 300; i++) {
    const value = random.pick([
      1,
      1.0,
      1.5,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -1e300,
      2 ** 60,
      "1",
      10n,
    ]);
    const [name, field] = random.pick([
      ["event", "seq_num"],
      ["event", "time"],
      ["start", "scan_id"],
      ["start", "time"],
      ["stop", "time"],
      ["descriptor", "time"],
    ] as const);
    const doc = base(name);
    doc[field] = value;
    yield { family: "numbers", name, doc, what: `${field} = ${String(value)}` };
  }
  // Event filled values and event_page columns.
  for (let i = 0; i < 300; i++) {
    const doc = base("event");
    doc.filled = random.pick([
      {},
      { det: false },
      { det: true },
      { det: "id" },
      { det: 0 },
      { det: null },
      [],
      5,
    ]);
    yield { family: "filled", name: "event", doc, what: `filled ${JSON.stringify(doc.filled)}` };
  }
  for (let i = 0; i < 500; i++) {
    const doc = base("event_page");
    const field = random.pick(["data", "timestamps", "filled", "uid", "seq_num", "time"]);
    const column = random.pick([
      [1, 2],
      ["a"],
      [false, "id"],
      [true, 1],
      [1.5],
      [null],
      "x",
      5,
      {},
      null,
      [],
    ]);
    if (["data", "timestamps", "filled"].includes(field)) {
      doc[field] = random.chance(0.8) ? { ...doc[field], col: column } : column;
    } else {
      doc[field] = column;
    }
    yield {
      family: "event_page",
      name: "event_page",
      doc,
      what: `${field} column ${JSON.stringify(column)}`,
    };
  }
  // StreamDatum ranges.
  for (let i = 0; i < 300; i++) {
    const doc = base("stream_datum");
    const field = random.pick(["indices", "seq_nums"]);
    doc[field] = random.pick([
      { start: 0, stop: 5 },
      { start: 0 },
      { stop: 1 },
      { start: 1.5, stop: 2 },
      { start: "0", stop: 1 },
      { start: 0, stop: 1, step: 2 },
      { start: Number.NaN, stop: 1 },
      { start: Number.POSITIVE_INFINITY, stop: 1 },
      { start: 1.0, stop: 2.0 },
      [0, 5],
      null,
    ]);
    yield {
      family: "stream_datum",
      name: "stream_datum",
      doc,
      what: `${field} ${JSON.stringify(doc[field])}`,
    };
  }
  // bulk_events and bulk_datum.
  for (let i = 0; i < 300; i++) {
    const doc = base("bulk_events");
    const key = random.pick(["d1", "", "a.b", "x\ny", "r\r"]);
    const events = structuredClone(Object.values(sampleDocument("bulk_events"))[0]) as Json[];
    const event = events[0];
    const change = random.int(6);
    if (change === 0) delete event[random.pick(Object.keys(event))];
    if (change === 1) event[random.pick(["extra", "filled", "seq_num"])] = anyValue(random);
    if (change === 2) event.filled = random.pick([{ det: 5 }, 5, []]);
    doc[key] = change === 3 ? anyValue(random) : events;
    const whole = change === 4 ? random.pick(["text", 5, null, [], [events]]) : doc;
    yield { family: "bulk_events", name: "bulk_events", doc: whole, what: `change ${change} under ${key}` };
    const bulk = base("bulk_datum");
    const field = random.pick(["datum_ids", "datum_kwarg_list", "resource", "extra"]);
    bulk[field] = random.pick([[], ["a"], [1], [{}], [[]], [null], "x", {}, null]);
    yield {
      family: "bulk_datum",
      name: "bulk_datum",
      doc: bulk,
      what: `${field} ${JSON.stringify(bulk[field])}`,
    };
  }
}

const official = officialVerdicts();

/** Bases: every real document of each kind, plus the rich synthetic sample of every kind. */
async function baseDocuments(): Promise<Map<DocumentName, unknown[]>> {
  const bases = new Map<DocumentName, unknown[]>(
    DOCUMENT_NAMES.map((name) => [name, [sampleDocument(name)]]),
  );
  for (const { name, doc } of await realDocuments()) bases.get(name)!.push(doc);
  return bases;
}

test("the synthetic samples are valid by the official schemas", () => {
  for (const name of DOCUMENT_NAMES) {
    const doc = sampleDocument(name);
    assert.equal(official[name](doc), true, `${name} sample`);
    assert.deepEqual(validateDocument(name, doc), [], `${name} sample`);
  }
});

test("every seeded mutation gets ajv's verdict from isValidDocument and validateDocument", async () => {
  const random = new Random(20240611);
  const disagreements: string[] = [];
  const verdicts = { valid: 0, invalid: 0 };
  const families = new Map<string, { valid: number; invalid: number }>();
  for (const { family, name, doc, what } of generateCases(random, await baseDocuments())) {
    const expected = official[name](doc);
    const fast = isValidDocument(name, doc);
    const findings = validateDocument(name, doc);
    verdicts[expected ? "valid" : "invalid"]++;
    const tally = families.get(family) ?? { valid: 0, invalid: 0 };
    tally[expected ? "valid" : "invalid"]++;
    families.set(family, tally);
    if (fast !== expected || (findings.length === 0) !== expected) {
      disagreements.push(
        `${family} ${name} (${what}): ajv ${expected}, ours ${fast}, ${findings.length} findings`,
      );
    }
    for (const finding of findings) {
      assert.equal(finding.name, name);
      assert.ok(finding.message.startsWith(`${name}: `), finding.message);
      assert.equal(finding.doc_index, undefined);
    }
  }
  assert.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} disagreements`);
  const total = verdicts.valid + verdicts.invalid;
  assert.ok(total >= 5000, `only ${total} mutations`);
  assert.ok(verdicts.valid >= 1000 && verdicts.invalid >= 2000, JSON.stringify(verdicts));
  // Each family must exercise both verdicts, or it tests only half of its rule (removals only break).
  for (const [family, tally] of families) {
    if (process.env.SHOW_TALLIES) console.log(family, tally);
    if (family !== "missing")
      assert.ok(tally.valid > 0 && tally.invalid > 0, `${family}: ${JSON.stringify(tally)}`);
  }
});
