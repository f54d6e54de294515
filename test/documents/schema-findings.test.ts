// Findings name the exact field and rule, and say so in a sentence that names the document; plus the corners
// of the schemas where ajv's judgement is not the obvious one.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DocumentName } from "../../src/documents/types.ts";
import { isValidDocument, schemaVersion, validateDocument } from "../../src/documents/validate.ts";
import { officialVerdicts } from "./schema-oracle.ts";
import { sampleDocument } from "./schema-samples.ts";

const official = officialVerdicts();

/** Our verdict on `doc`, after checking that ajv with the official schema reaches the same one. */
function verdict(name: DocumentName, doc: unknown): boolean {
  const ours = isValidDocument(name, doc);
  assert.equal(ours, official[name](doc), `ajv disagrees on ${name}`);
  return ours;
}

/** The findings of a sample of `name` after `change`, as [path, rule] pairs. */
function findingsAfter(name: DocumentName, change: (doc: any) => void): Array<[string, string]> {
  const doc = sampleDocument(name);
  change(doc);
  assert.equal(isValidDocument(name, doc), false);
  return validateDocument(name, doc).map((f) => [f.path, f.rule]);
}

test("schemaVersion names the event-model release the validators follow", () => {
  assert.equal(schemaVersion, "event-model 1.24");
});

test("a wrong shape entry is reported at its index, with a sentence naming document, field and rule", () => {
  const doc = sampleDocument("descriptor");
  doc.data_keys.det.shape = ["5", 128];
  assert.deepEqual(validateDocument("descriptor", doc), [
    {
      name: "descriptor",
      path: "data_keys.det.shape[0]",
      rule: "type",
      message: 'descriptor: data_keys.det.shape[0] must be an integer or null, got "5"',
    },
  ]);
});

test("a metadata key with '/' or '.' is reported by its own path, at any depth of objects", () => {
  assert.deepEqual(
    findingsAfter("start", (doc) => {
      doc.plan_args["x/y"] = 1;
      doc.sample.composition.deep = { "a.b": true };
    }),
    [
      ["sample.composition.deep.a.b", "key-pattern"],
      ["plan_args.x/y", "key-pattern"],
    ],
  );
  assert.deepEqual(
    findingsAfter("descriptor", (doc) => {
      doc["top.level"] = 1;
    }),
    [["top.level", "key-pattern"]],
  );
});

test("missing, mistyped and unexpected event fields are all reported, not just the first", () => {
  assert.deepEqual(
    findingsAfter("event", (doc) => {
      delete doc.seq_num;
      doc.time = "now";
      doc.filled.det = 0;
      doc.foo = 1;
    }),
    [
      ["seq_num", "required"],
      ["time", "type"],
      ["filled.det", "type"],
      ["foo", "additional-property"],
    ],
  );
});

test("enum, pattern, const and item-count rules carry their own names", () => {
  assert.deepEqual(
    findingsAfter("stop", (doc) => {
      doc.exit_status = "done";
    }),
    [["exit_status", "enum"]],
  );
  assert.deepEqual(
    findingsAfter("descriptor", (doc) => {
      doc.data_keys.det.external = "filestore:";
      doc.data_keys.det.dtype = "float";
      doc.data_keys.point.dtype_numpy = [["x"], ["y", "f8"]];
    }),
    [
      ["data_keys.det.dtype", "enum"],
      ["data_keys.det.external", "pattern"],
      ["data_keys.point.dtype_numpy[0]", "min-items"],
      ["data_keys.point.dtype_numpy[1][1]", "pattern"],
    ],
  );
  assert.deepEqual(
    findingsAfter("start", (doc) => {
      doc.projections[0].projection["entry/data/intensity"].type = "linkd";
    }),
    [["projections[0].projection.entry/data/intensity.type", "const"]],
  );
});

test("limits, ranges, pages and resources report the nested field at fault", () => {
  assert.deepEqual(
    findingsAfter("descriptor", (doc) => {
      doc.data_keys.det.limits.upper = 1;
      doc.data_keys.det.limits.control = { low: 0 };
      doc.configuration.det.data_keys.det_exposure.precision = 1.5;
    }),
    [
      ["data_keys.det.limits.upper", "additional-property"],
      ["data_keys.det.limits.control.high", "required"],
      ["configuration.det.data_keys.det_exposure.precision", "type"],
    ],
  );
  assert.deepEqual(
    findingsAfter("stream_datum", (doc) => {
      doc.indices = { start: 0 };
    }),
    [["indices.stop", "required"]],
  );
  assert.deepEqual(
    findingsAfter("event_page", (doc) => {
      doc.seq_num = [1, 2.5];
      doc.filled.det = "id";
    }),
    [
      ["seq_num[1]", "type"],
      ["filled.det", "type"],
    ],
  );
  assert.deepEqual(
    findingsAfter("resource", (doc) => {
      doc.resource_id = doc.uid;
    }),
    [["resource_id", "additional-property"]],
  );
});

test("a document that is not an object, or an unknown name, is one finding about the whole", () => {
  assert.deepEqual(
    validateDocument("event", [1, 2]).map((f) => [f.path, f.rule, f.message]),
    [["", "type", "event: the document must be an object, got an array"]],
  );
  assert.equal(isValidDocument("nonsense" as DocumentName, {}), false);
  assert.deepEqual(
    validateDocument("nonsense" as DocumentName, {}).map((f) => f.rule),
    ["document-name"],
  );
});

test("ajv's corners: integers, arrays in metadata, stop's nested keys, untyped bulk_events", () => {
  const event = sampleDocument("event");
  event.seq_num = 3.0; // JSON cannot tell 3.0 from 3: an integer
  assert.equal(verdict("event", event), true);
  event.seq_num = Number.POSITIVE_INFINITY; // ajv's integer test is !(x % 1) && !isNaN(x)
  assert.equal(verdict("event", event), true);
  event.seq_num = Number.NaN;
  assert.equal(verdict("event", event), false);
  event.seq_num = 1;
  event.time = Number.NaN; // strict: false leaves NaN a number
  assert.equal(verdict("event", event), true);

  const start = sampleDocument("start");
  start.plan_args.list = [{ "a.b": 1 }]; // the key rule does not enter arrays
  assert.equal(verdict("start", start), true);

  const stop = sampleDocument("stop");
  stop.extra = { "a.b": { "c/d": 1 } }; // stop's DataType is the empty schema: only its own keys are checked
  assert.equal(verdict("stop", stop), true);

  assert.equal(verdict("bulk_events", "not an object"), true); // the schema states no type
  assert.equal(verdict("bulk_events", { "line\nbreak": 5 }), true); // `^.*$` skips such keys
  assert.equal(verdict("bulk_events", { descriptor: 5 }), false);

  const descriptor = sampleDocument("descriptor");
  descriptor.data_keys.det.dtype_numpy = "array of <f8 values"; // the dtype pattern is unanchored
  descriptor.data_keys.det.external = "STREAM:anything"; // and `^[A-Z]+:?` only anchors the start
  assert.equal(verdict("descriptor", descriptor), true);
});
