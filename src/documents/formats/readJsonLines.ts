// Streams the documents of JSON Lines (one `[name, doc]` pair or `{name, doc}` object per line, from a file
// or a request body):
// decodes a chunk up to its last newline at once, parses each line, and reports bad lines by number.
import type { LimitError, UnreadableError } from "../../errors.ts";
import type { DocumentPair } from "../types.ts";
import type { DocumentShape } from "./DocumentFormat.ts";
import { byteOrderMarkLength } from "./jsonHead.ts";
import { firstFailure, lineFailureError, parseJsonLineTexts, splitLines } from "./jsonLineParsing.ts";
import { documentTooLarge, isTooLarge, type ReadLimits } from "./ReadLimits.ts";

const NEWLINE = 0x0a;

/**
 * The documents of the JSON Lines in `chunks`, a chunk's documents at a time (never an empty array); throws
 * UnreadableError naming `source` (`line N`) after the last good one.
 */
export async function* readJsonLinesInChunks(
  chunks: AsyncIterable<Buffer>,
  source: string,
  shape: DocumentShape,
  limits?: ReadLimits,
): AsyncGenerator<DocumentPair[]> {
  const lines = new LineDecoder(source, shape, limits);
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
  failure?: UnreadableError | LimitError;
}

/** Turns chunks into documents line by line, keeping the bytes of an unfinished last line for later. */
class LineDecoder {
  private lineNumber = 0;
  private unfinished: Buffer[] = [];
  private unfinishedBytes = 0;

  constructor(
    private readonly source: string,
    private readonly shape: DocumentShape,
    private readonly limits?: ReadLimits,
  ) {}

  push(chunk: Buffer): Batch {
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      this.unfinished.push(chunk);
      this.unfinishedBytes += chunk.length;
      // A line past the limit is refused before the rest of it arrives.
      if (!isTooLarge(this.limits, this.unfinishedBytes)) return { documents: [] };
      const failure = documentTooLarge(
        this.limits!,
        this.source,
        `line ${this.lineNumber + 1}`,
        this.unfinishedBytes,
      );
      return { documents: [], failure };
    }
    const head = chunk.subarray(0, lastNewline);
    const complete = this.unfinished.length > 0 ? Buffer.concat([...this.unfinished, head]) : head;
    this.unfinished = lastNewline + 1 < chunk.length ? [chunk.subarray(lastNewline + 1)] : [];
    this.unfinishedBytes = chunk.length - lastNewline - 1;
    return this.decode(complete, false);
  }

  end(): Batch {
    if (this.unfinished.length === 0) return { documents: [] };
    const last = Buffer.concat(this.unfinished);
    this.unfinished = [];
    return this.decode(last, true);
  }

  /** Decodes and parses whole lines, up to the first line past the document limit. */
  private decode(bytes: Buffer, atEnd: boolean): Batch {
    const long = isTooLarge(this.limits, bytes.length) ? firstLongLine(bytes, this.limits!) : undefined;
    const split = splitLines(long === undefined ? bytes : bytes.subarray(0, Math.max(0, long.start - 1)));
    const lines = long?.start === 0 ? [] : split.lines;
    const documents: DocumentPair[] = [];
    const parsed = parseJsonLineTexts(lines, this.shape, atEnd && !long, (pair) => documents.push(pair));
    const failure = firstFailure(split, parsed);
    const firstLine = this.lineNumber + 1;
    this.lineNumber += lines.length;
    if (failure !== undefined)
      return { documents, failure: lineFailureError(this.source, firstLine + failure.index, failure) };
    if (long === undefined) return { documents };
    const at = `line ${firstLine + lines.length}`;
    return { documents, failure: documentTooLarge(this.limits!, this.source, at, long.bytes) };
  }
}

/** The first line of `bytes` longer than the document limit: where it starts and its length. */
function firstLongLine(bytes: Buffer, limits: ReadLimits): { start: number; bytes: number } | undefined {
  for (let start = 0; start <= bytes.length; ) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline < 0 ? bytes.length : newline;
    if (isTooLarge(limits, end - start)) return { start, bytes: end - start };
    if (newline < 0) return undefined;
    start = newline + 1;
  }
  return undefined;
}
