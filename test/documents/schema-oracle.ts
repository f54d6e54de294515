// Test support for the schema validators: ajv compiling the official event-model schemas (the oracle our
// hand-written validators must agree with) and every document of the reference data, in all its formats.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { DOCUMENT_NAMES, type DocumentName } from "../../src/documents/types.ts";
import { dataPath } from "../support/sharedData.ts";

const SCHEMA_FILES: Record<DocumentName, string> = {
  start: "run_start.json",
  stop: "run_stop.json",
  descriptor: "event_descriptor.json",
  event: "event.json",
  event_page: "event_page.json",
  resource: "resource.json",
  datum: "datum.json",
  datum_page: "datum_page.json",
  stream_resource: "stream_resource.json",
  stream_datum: "stream_datum.json",
  bulk_events: "bulk_events.json",
  bulk_datum: "bulk_datum.json",
};

export type Verdict = (doc: unknown) => boolean;

/** ajv's verdict per document name: Ajv2020 with default options except strict: false (the schemas need it). */
export function officialVerdicts(): Record<DocumentName, Verdict> {
  const ajv = new Ajv2020({ strict: false });
  const verdicts = {} as Record<DocumentName, Verdict>;
  for (const name of DOCUMENT_NAMES) {
    const schema = JSON.parse(readFileSync(dataPath("event-model-schemas", SCHEMA_FILES[name]), "utf8"));
    const validate = ajv.compile(schema);
    verdicts[name] = (doc) => validate(doc) === true;
  }
  return verdicts;
}

export interface SourcedDocument {
  source: string;
  name: DocumentName;
  doc: unknown;
}

function documentFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "event-model-schemas" ? [] : documentFiles(path);
      return /\.(json|jsonl|msgpack)$/.test(entry.name) ? [path] : [];
    });
}

/**
 * Every document of the reference data (JSON arrays of pairs or of {name, doc}, JSON Lines, msgpack packs
 * with msgpack-numpy values decoded), read by the product's own readers, file by file to name the source.
 */
export async function realDocuments(): Promise<SourcedDocument[]> {
  const root = dataPath();
  const documents: SourcedDocument[] = [];
  for (const path of documentFiles(root)) {
    const source = path.slice(root.length + 1);
    for await (const [name, doc] of readDocuments(path)) documents.push({ source, name, doc });
  }
  return documents;
}
