// Our validators and ajv (with the official schemas) reach the same verdict on every real document.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isValidDocument, validateDocument } from "../../src/documents/validate.ts";
import { officialVerdicts, realDocuments } from "./schema-oracle.ts";

const official = officialVerdicts();
const documents = await realDocuments();

test("the reference data holds documents of every format and the main kinds", () => {
  const sources = new Set(documents.map((d) => d.source.split(".").pop()));
  assert.deepEqual([...sources].sort(), ["json", "jsonl", "msgpack"]);
  const names = new Set(documents.map((d) => d.name));
  for (const name of ["start", "descriptor", "event", "event_page", "stop", "resource", "datum_page"]) {
    assert.ok(names.has(name as never), `no ${name} documents found`);
  }
  assert.ok(documents.length > 2500, `only ${documents.length} documents read`);
  assert.ok(documents.some((d) => d.source.includes("440_specwriter_problem_run")));
});

test("every real document gets ajv's verdict from isValidDocument and validateDocument", () => {
  const disagreements: string[] = [];
  for (const { source, name, doc } of documents) {
    const expected = official[name](doc);
    const fast = isValidDocument(name, doc);
    const findings = validateDocument(name, doc);
    if (fast !== expected || (findings.length === 0) !== expected) {
      disagreements.push(`${source} ${name}: ajv ${expected}, fast ${fast}, findings ${findings.length}`);
    }
  }
  assert.deepEqual(disagreements.slice(0, 10), []);
});
