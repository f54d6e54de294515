// A run's documents as json-seq the way the Python client reads them: one `{"name", "doc"}` object per line,
// ASCII only (the client decodes network chunks one by one), no blank lines, and no plain `datum`: runs of
// datums of one resource go out as one datum_page — unless `datums: "stored"` (our own client) keeps them.
// Event fields the descriptor calls floats are written as floats (1.0), as Python sent them.
import { Readable } from "node:stream";
import { documentSerializer } from "../../documents/formats/documentSerializer.ts";
import { packDatumPage } from "../../documents/pages.ts";
import type { Datum, DocumentPair } from "../../documents/types.ts";
import { isNDArray, toNested } from "../../tables/NDArray.ts";

/** Escapes every non-ASCII character as `\uXXXX` (surrogate pairs as two escapes), as Python's json does. */
export function asciiOnly(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Filled arrays (NDArrays in event data) as nested lists. */
function plainData(value: unknown): unknown {
  if (isNDArray(value)) return toNested(value);
  if (Array.isArray(value)) return value.map(plainData);
  return value;
}

function plainDocument([name, doc]: DocumentPair): unknown {
  if (name !== "event" && name !== "event_page") return doc;
  const data = (doc as { data: Record<string, unknown> }).data;
  return {
    ...doc,
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, plainData(value)])),
  };
}

/** How datums go out: packed into datum_pages (what the Python client requires), or as stored. */
export type DatumForm = "paged" | "stored";

async function* documentLines(
  documents: AsyncIterable<DocumentPair>,
  datumForm: DatumForm,
): AsyncGenerator<string> {
  const serializer = documentSerializer("name-doc-jsonl");
  const line = (name: string, doc: unknown) =>
    asciiOnly(serializer.document([name, doc] as DocumentPair) as string);
  let datums: Datum[] = [];
  const flush = (): string => {
    const text = datums.length > 0 ? line("datum_page", packDatumPage(datums)) : "";
    datums = [];
    return text;
  };
  let chunk = "";
  for await (const pair of documents) {
    const [name, doc] = pair;
    if (name === "datum" && datumForm === "paged") {
      const datum = doc as Datum;
      if (datums.length > 0 && datums[0].resource !== datum.resource) chunk += flush();
      datums.push(datum);
      continue;
    }
    chunk += flush();
    chunk += line(name, plainDocument(pair));
    // Lines are gathered into chunks of about 64 kB: one write per document would dominate the time.
    if (chunk.length >= 65536) {
      yield chunk;
      chunk = "";
    }
  }
  chunk += flush();
  if (chunk !== "") yield chunk;
}

export function documentsJsonSeq(
  documents: AsyncIterable<DocumentPair>,
  datumForm: DatumForm = "paged",
): Readable {
  return Readable.from(documentLines(documents, datumForm), { objectMode: false });
}
