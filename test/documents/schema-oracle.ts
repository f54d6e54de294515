// Test support for the schema validators: ajv compiling the official event-model schemas (the oracle our
// hand-written validators must agree with) and every document of the reference data, in all its formats.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { unpackMultiple } from "msgpackr";
import { DOCUMENT_NAMES, type DocumentName, isDocumentName } from "../../src/documents/types.ts";
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

const NUMPY_READERS: Record<
  string,
  [number, (view: DataView, at: number, little: boolean) => number | bigint]
> = {
  f8: [8, (v, at, le) => v.getFloat64(at, le)],
  f4: [4, (v, at, le) => v.getFloat32(at, le)],
  i8: [8, (v, at, le) => v.getBigInt64(at, le)],
  i4: [4, (v, at, le) => v.getInt32(at, le)],
  i2: [2, (v, at, le) => v.getInt16(at, le)],
  i1: [1, (v, at) => v.getInt8(at)],
  u8: [8, (v, at, le) => v.getBigUint64(at, le)],
  u4: [4, (v, at, le) => v.getUint32(at, le)],
  u2: [2, (v, at, le) => v.getUint16(at, le)],
  u1: [1, (v, at) => v.getUint8(at)],
  b1: [1, (v, at) => v.getUint8(at)],
};

/** A msgpack-numpy map (`{nd: true, type: "<f8", shape, data}`) as the nested arrays the JSON form would hold. */
function decodeNumpyMap(map: Record<string, unknown>): unknown {
  const type = String(map.type);
  const reader = NUMPY_READERS[type.slice(1)];
  const bytes = map.data as Uint8Array;
  if (reader === undefined) throw new Error(`msgpack-numpy dtype ${type} not supported by the test reader`);
  const [size, read] = reader;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flat: unknown[] = [];
  for (let at = 0; at + size <= bytes.byteLength; at += size) {
    const value = read(view, at, type[0] !== ">");
    flat.push(type.endsWith("b1") ? value !== 0 : typeof value === "bigint" ? Number(value) : value);
  }
  const shape = (map.shape as number[]) ?? [flat.length];
  const nest = (offset: number, dim: number): unknown => {
    if (dim === shape.length) return flat[offset];
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[dim] }, (_, i) => nest(offset + i * stride, dim + 1));
  };
  return shape.length === 0 ? flat[0] : nest(0, 0);
}

function decodeNumpyMaps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeNumpyMaps);
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  const map = value as Record<string, unknown>;
  if (map.nd === true && "type" in map && map.data instanceof Uint8Array) return decodeNumpyMap(map);
  for (const key in map) map[key] = decodeNumpyMaps(map[key]);
  return map;
}

/** `[name, doc]` or `{name, doc}`, as the reference files hold them. */
function toSourced(source: string, entry: unknown): SourcedDocument {
  const [name, doc] = Array.isArray(entry) ? entry : [(entry as any).name, (entry as any).doc];
  if (!isDocumentName(name)) throw new Error(`${source}: unknown document name ${String(name)}`);
  return { source, name, doc };
}

function readFile(path: string): unknown[] {
  if (path.endsWith(".msgpack")) return unpackMultiple(readFileSync(path)).map(decodeNumpyMaps);
  const text = readFileSync(path, "utf8");
  if (path.endsWith(".jsonl")) {
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line));
  }
  return JSON.parse(text);
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

/** Every document of the reference data: JSON arrays of pairs or of {name, doc}, JSON Lines, msgpack packs. */
export function realDocuments(): SourcedDocument[] {
  const root = dataPath();
  return documentFiles(root).flatMap((path) => {
    const source = path.slice(root.length + 1);
    return readFile(path).map((entry) => toSourced(source, entry));
  });
}
