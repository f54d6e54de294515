// Streams the documents of concatenated msgpack `[name, doc]` values (suitcase-msgpack, databroker-pack;
// a file or a request body): decodes whole values from each chunk and carries a value cut by a border over.
import { C1, Unpackr } from "msgpackr";
import { LimitError, UnreadableError } from "../../errors.ts";
import type { DocumentPair } from "../types.ts";
import { toDocumentPair } from "./documentShape.ts";
import { isStackOverflow, TOO_DEEP } from "./inputDepth.ts";
import { changedMsgpackValue } from "./msgpackChecks.ts";
import { markMsgpackFloats } from "./msgpackFloats.ts";
import { decodeNumpyValues, mayHoldNumpy, NumpyDecodeError } from "./msgpackNumpy.ts";
import { documentTooLarge, isTooLarge, type ReadLimits } from "./ReadLimits.ts";

// Plain msgpack as Python writes it: maps as objects, no msgpackr records, and 64-bit integers as numbers
// (those a double cannot hold exactly are refused first: msgpackChecks.ts).
const fastUnpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });
// For the rare value holding a map with non-string keys (msgpack-numpy writes bytes keys): maps as Maps.
const mapUnpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, int64AsType: "number" });

/**
 * Yields every document of the msgpack values in `chunks`; throws UnreadableError naming `source`
 * (`byte N`) after the last good one.
 */
export async function* readMsgpack(
  chunks: AsyncIterable<Buffer>,
  source: string,
  limits?: ReadLimits,
): AsyncGenerator<DocumentPair> {
  const decoder = new MsgpackDocumentDecoder(source, limits);
  for await (const chunk of chunks) {
    const batch = decoder.push(chunk);
    yield* batch.documents;
    if (batch.failure) throw batch.failure;
  }
  const batch = decoder.end();
  yield* batch.documents;
  if (batch.failure) throw batch.failure;
}

interface Batch {
  documents: DocumentPair[];
  failure?: UnreadableError | LimitError;
}

/** What msgpackr adds to the error of a value cut short. */
interface MsgpackrError extends Error {
  incomplete?: boolean;
  /** At least this many more bytes are needed, when a length header said so. */
  missingBytes?: number;
}

type EachValue = (value: unknown, start: number, end: number) => void;

/** Decodes the documents of a msgpack byte stream, chunk by chunk. */
class MsgpackDocumentDecoder {
  /** Bytes received but not decoded yet: the start of a value cut by a chunk border. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** File offset of the first pending byte. */
  private pendingOffset = 0;
  /** No new attempt to decode before this many bytes are pending (see the end of `decode`). */
  private retryAt = 0;

  constructor(
    private readonly source: string,
    private readonly limits?: ReadLimits,
  ) {}

  push(chunk: Buffer): Batch {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.retryAt) return this.waiting();
    return this.decode(this.pending.length === 1 ? chunk : Buffer.concat(this.pending));
  }

  /** Nothing decoded yet: a value already past the document limit is refused before it is all here. */
  private waiting(): Batch {
    if (!isTooLarge(this.limits, this.pendingBytes)) return { documents: [] };
    const at = `byte ${this.pendingOffset}`;
    return { documents: [], failure: documentTooLarge(this.limits!, this.source, at, this.pendingBytes) };
  }

  end(): Batch {
    if (this.pendingBytes === 0) return { documents: [] };
    const batch = this.decode(Buffer.concat(this.pending));
    if (!batch.failure && this.pendingBytes > 0) batch.failure = this.truncated();
    return batch;
  }

  /** Decodes every whole value of `bytes` into documents and keeps the rest pending. */
  private decode(bytes: Buffer): Batch {
    const documents: DocumentPair[] = [];
    const mayHoldNumpyMaps = mayHoldNumpy(bytes);
    let position = 0;
    let failure: UnreadableError | LimitError | undefined;
    let missingBytes: number | undefined;
    const accept = (value: unknown, start: number, end: number) => {
      if (isTooLarge(this.limits, end - start))
        throw documentTooLarge(this.limits!, this.source, `byte ${this.pendingOffset + start}`, end - start);
      const changed = changedMsgpackValue(bytes, start, end);
      if (changed !== undefined) {
        const at = `byte ${this.pendingOffset + changed.offset}`;
        throw new UnreadableError(this.source, at, changed.message);
      }
      const pair = this.toDocument(value, start, end, mayHoldNumpyMaps);
      // An event's floats are told by its descriptor's dtypes (see parseDocumentJson).
      if (!pair[0].startsWith("event")) markMsgpackFloats(bytes.subarray(start, end), pair);
      documents.push(pair);
      position = end;
    };
    while (position < bytes.length && missingBytes === undefined) {
      try {
        missingBytes = decodeValues(bytes, position, accept);
      } catch (error) {
        failure =
          error instanceof UnreadableError || error instanceof LimitError
            ? error
            : this.corrupt(error, position);
        break;
      }
    }
    this.pending = position < bytes.length ? [bytes.subarray(position)] : [];
    this.pendingBytes = bytes.length - position;
    this.pendingOffset += position;
    if (missingBytes === undefined) this.retryAt = 0;
    // Waiting for twice the bytes before retrying keeps a value spanning many chunks linear to decode.
    else this.retryAt = Math.max(2 * this.pendingBytes, this.pendingBytes + missingBytes);
    if (failure === undefined && documents.length === 0) return this.waiting();
    return { documents, failure };
  }

  private toDocument(value: unknown, start: number, end: number, mayHoldNumpyMaps: boolean): DocumentPair {
    const location = `byte ${this.pendingOffset + start}`;
    if (value === C1)
      throw new UnreadableError(this.source, location, "corrupt msgpack: the never-used byte 0xc1");
    let plain = value;
    if (mayHoldNumpyMaps || value instanceof Map) {
      try {
        plain = decodeNumpyValues(value);
      } catch (error) {
        if (error instanceof NumpyDecodeError)
          throw new UnreadableError(this.source, location, error.message);
        throw error;
      }
    }
    return toDocumentPair(plain, "pair", this.source, location, end - start);
  }

  /** The error of a value msgpackr could not decode, starting at `position` of the pending bytes. */
  private corrupt(error: unknown, position: number): UnreadableError {
    const at = `byte ${this.pendingOffset + position}`;
    if (isStackOverflow(error)) return new UnreadableError(this.source, at, `the document is ${TOO_DEEP}`);
    return new UnreadableError(this.source, at, `corrupt msgpack: ${(error as Error).message}`, {
      cause: error,
    });
  }

  private truncated(): UnreadableError {
    return new UnreadableError(
      this.source,
      `byte ${this.pendingOffset}`,
      `the input ends (at byte ${this.pendingOffset + this.pendingBytes}) inside the msgpack value that starts here: truncated?`,
    );
  }
}

function isIncomplete(error: unknown): error is MsgpackrError {
  return typeof error === "object" && error !== null && (error as MsgpackrError).incomplete === true;
}

/**
 * Decodes values of `bytes` from `start`, calling `each` per value: with the fast unpacker, or with Maps
 * for one value the fast one refuses. Returns undefined after progress, or — when the next value is cut
 * short — how many more bytes it needs at least (0 when unknown).
 */
function decodeValues(bytes: Buffer, start: number, each: EachValue): number | undefined {
  let next = start;
  try {
    fastUnpackr.unpackMultiple(bytes.subarray(start), (value: unknown, from = 0, to = 0) => {
      each(value, start + from, start + to);
      next = start + to;
    });
    return undefined;
  } catch (error) {
    if (isIncomplete(error)) return error.missingBytes ?? 0;
    if (!String((error as Error)?.message).includes("non-string keys")) throw error;
  }
  try {
    mapUnpackr.unpackMultiple(bytes.subarray(next), (value: unknown, _from = 0, to = 0) => {
      each(value, next, next + to);
      return false;
    });
    return undefined;
  } catch (error) {
    if (isIncomplete(error)) return error.missingBytes ?? 0;
    throw error;
  }
}
