// The on-disk document formats this package reads and writes, and the file extensions that announce them.
// The format of a file is always detected from its content (detectFormat.ts); extensions only pick files.

/**
 * - `jsonl`: JSON Lines of `[name, doc]` pairs (suitcase-jsonl).
 * - `json-array`: one JSON array of `[name, doc]` pairs (apstools test files).
 * - `msgpack`: concatenated msgpack `[name, doc]` values (suitcase-msgpack, databroker-pack).
 * - `name-doc-jsonl`: JSON Lines of `{"name", "doc"}` objects.
 * - `name-doc-json-array`: one JSON array of `{"name", "doc"}` objects (bluesky-tiled-plugins examples).
 */
export type DocumentFormat = "jsonl" | "json-array" | "msgpack" | "name-doc-jsonl" | "name-doc-json-array";

export const DOCUMENT_FORMATS: readonly DocumentFormat[] = [
  "jsonl",
  "json-array",
  "msgpack",
  "name-doc-jsonl",
  "name-doc-json-array",
];

/** How each document sits in a file: as a `[name, doc]` pair or as a `{name, doc}` object. */
export type DocumentShape = "pair" | "name-doc";

export function shapeOf(format: DocumentFormat): DocumentShape {
  return format.startsWith("name-doc") ? "name-doc" : "pair";
}

/** The usual file extension for a format (what writers and writePack name files with). */
export function extensionOf(format: DocumentFormat): string {
  if (format === "msgpack") return ".msgpack";
  return format.endsWith("jsonl") ? ".jsonl" : ".json";
}

/** Extensions of files that a plain directory of document files is expected to hold. */
export const DOCUMENT_FILE_EXTENSIONS: readonly string[] = [".json", ".jsonl", ".ndjson", ".msgpack", ".mpk"];
