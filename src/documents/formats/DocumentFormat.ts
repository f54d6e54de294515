// The names of the document file formats built in (each is described in kinds/ and held by registry.ts),
// and the two shapes a document takes in a file. A file's format is detected from its content
// (detectFormat.ts); extensions only pick the files of a directory.

/**
 * - `jsonl`: JSON Lines of `[name, doc]` pairs (suitcase-jsonl).
 * - `json-array`: one JSON array of `[name, doc]` pairs (apstools test files).
 * - `msgpack`: concatenated msgpack `[name, doc]` values (suitcase-msgpack, databroker-pack).
 * - `name-doc-jsonl`: JSON Lines of `{"name", "doc"}` objects.
 * - `name-doc-json-array`: one JSON array of `{"name", "doc"}` objects (bluesky-tiled-plugins examples).
 */
export type BuiltInDocumentFormat =
  | "jsonl"
  | "json-array"
  | "msgpack"
  | "name-doc-jsonl"
  | "name-doc-json-array";

/** A built-in format's name, or that of one registered at run time (registerDocumentFormat). */
export type DocumentFormat = BuiltInDocumentFormat | (string & Record<never, never>);

export const DOCUMENT_FORMATS: readonly BuiltInDocumentFormat[] = [
  "jsonl",
  "json-array",
  "msgpack",
  "name-doc-jsonl",
  "name-doc-json-array",
];

/** How each document sits in a file: as a `[name, doc]` pair or as a `{name, doc}` object. */
export type DocumentShape = "pair" | "name-doc";
