// Turns documents into the bytes of one format, one document at a time, through the format's writer, and
// learns from the descriptors on the way which event fields are floats so that every format writes them so.
import { EventFloats } from "../eventFloats.ts";
import type { FormatWriter } from "./DocumentFileFormat.ts";
import type { DocumentFormat } from "./DocumentFormat.ts";
import { documentFormatNamed } from "./registry.ts";

export interface DocumentSerializer extends FormatWriter {
  readonly format: DocumentFormat;
}

/**
 * A fresh serializer for one output stream in `format`. It learns from the descriptors it writes which event
 * fields are floats, and writes them so (1.0, float64) even when whole.
 */
export function documentSerializer(format: DocumentFormat): DocumentSerializer {
  const floats = new EventFloats();
  const writer = documentFormatNamed(format).writer();
  return {
    format,
    document: (pair) => {
      floats.see(pair);
      return writer.document(pair);
    },
    end: () => writer.end(),
  };
}
