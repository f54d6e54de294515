// Streams the documents of JSON Lines (one `[name, doc]` pair or `{name, doc}` object per line, from a file
// or a request body):
// decodes a chunk up to its last newline at once, parses each line, and reports bad lines by number.
import type { UnreadableError } from "../../errors.ts";
import type { DocumentPair } from "../types.ts";
import type { DocumentShape } from "./DocumentFormat.ts";
import { byteOrderMarkLength } from "./jsonHead.ts";
import {
  firstFailure,
  lineFailureError,
  parseJsonLineTexts,
  type SplitLines,
  splitLines,
} from "./jsonLineParsing.ts";

const NEWLINE = 0x0a;

/**
 * The documents of the JSON Lines in `chunks`, a chunk's documents at a time (never an empty array); throws
 * UnreadableError naming `source` (`line N`) after the last good one.
 */
export async function* readJsonLinesInChunks(
  chunks: AsyncIterable<Buffer>,
  source: string,
  shape: DocumentShape,
): AsyncGenerator<DocumentPair[]> {
  const lines = new LineDecoder(source, shape);
  let first = true;
  for await (let chunk of chunks) {
    if (first) {
      chunk = chunk.subarray(byteOrderMarkLength(chunk));
      first = false;
    }
    const batch = lines.push(chunk);
    if (batch.documents.length > 0) yield batch.documents;
    if (batch.failure) throw batch.failure;
  }
  const batch = lines.end();
  if (batch.documents.length > 0) yield batch.documents;
  if (batch.failure) throw batch.failure;
}

interface Batch {
  documents: DocumentPair[];
  failure?: UnreadableError;
}

/** Turns chunks into documents line by line, keeping the bytes of an unfinished last line for later. */
class LineDecoder {
  private lineNumber = 0;
  private unfinished: Buffer[] = [];

  constructor(
    private readonly source: string,
    private readonly shape: DocumentShape,
  ) {}

  push(chunk: Buffer): Batch {
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      this.unfinished.push(chunk);
      return { documents: [] };
    }
    const head = chunk.subarray(0, lastNewline);
    const complete = this.unfinished.length > 0 ? Buffer.concat([...this.unfinished, head]) : head;
    this.unfinished = lastNewline + 1 < chunk.length ? [chunk.subarray(lastNewline + 1)] : [];
    return this.decode(splitLines(complete), false);
  }

  end(): Batch {
    if (this.unfinished.length === 0) return { documents: [] };
    const last = splitLines(Buffer.concat(this.unfinished));
    this.unfinished = [];
    return this.decode(last, true);
  }

  private decode(split: SplitLines, atEnd: boolean): Batch {
    const { lines } = split;
    const documents: DocumentPair[] = [];
    const parsed = parseJsonLineTexts(lines, this.shape, atEnd, (pair) => documents.push(pair));
    const failure = firstFailure(split, parsed);
    const firstLine = this.lineNumber + 1;
    this.lineNumber += lines.length;
    if (failure === undefined) return { documents };
    return { documents, failure: lineFailureError(this.source, firstLine + failure.index, failure) };
  }
}
