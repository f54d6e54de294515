// Turns documents into the bytes of one format, one document at a time, with the separators and brackets
// a JSON array needs: the single place that knows how each format lays documents out.
import { EventFloats } from "../eventFloats.ts";
import type { DocumentPair } from "../types.ts";
import type { DocumentFormat } from "./DocumentFormat.ts";
import { stringifyJson } from "./jsonText.ts";
import { MsgpackEncoder } from "./MsgpackEncoder.ts";

export interface DocumentSerializer {
  readonly format: DocumentFormat;
  /** The bytes of one document, preceded by whatever must separate it from the document before. */
  document(pair: DocumentPair): string | Buffer;
  /** The bytes that complete the output (a JSON array's `]`, or all of `[]` when no document came). */
  end(): string;
}

/**
 * A fresh serializer for one output stream in `format`. It learns from the descriptors it writes which event
 * fields are floats, and writes them so (1.0, float64) even when whole.
 */
export function documentSerializer(format: DocumentFormat): DocumentSerializer {
  const floats = new EventFloats();
  const serializer = serializerOf(format);
  return {
    format,
    document: (pair) => {
      floats.see(pair);
      return serializer.document(pair);
    },
    end: () => serializer.end(),
  };
}

function serializerOf(format: DocumentFormat): DocumentSerializer {
  switch (format) {
    case "jsonl":
      return jsonLines(format, (pair) => stringifyJson(pair));
    case "name-doc-jsonl":
      return jsonLines(format, ([name, doc]) => stringifyJson({ name, doc }));
    case "json-array":
      return jsonArray(format, (pair) => stringifyJson(pair));
    case "name-doc-json-array":
      return jsonArray(format, ([name, doc]) => stringifyJson({ name, doc }));
    case "msgpack":
      return msgpack();
  }
}

function jsonLines(format: DocumentFormat, text: (pair: DocumentPair) => string): DocumentSerializer {
  return { format, document: (pair) => `${text(pair)}\n`, end: () => "" };
}

/** One document per line between `[` and `]`: diffable, and still a single JSON value. */
function jsonArray(format: DocumentFormat, text: (pair: DocumentPair) => string): DocumentSerializer {
  let count = 0;
  return {
    format,
    document: (pair) => `${count++ === 0 ? "[\n" : ",\n"}${text(pair)}`,
    end: () => (count === 0 ? "[]\n" : "\n]\n"),
  };
}

function msgpack(): DocumentSerializer {
  const encoder = new MsgpackEncoder();
  return {
    format: "msgpack",
    document: (pair) => {
      encoder.encode(pair);
      return encoder.take();
    },
    end: () => "",
  };
}
