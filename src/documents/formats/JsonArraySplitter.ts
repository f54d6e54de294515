// Finds the elements of one top-level JSON array in a stream of byte chunks without parsing them: it only
// tracks strings and bracket nesting, so an array of any size is cut into its documents in constant memory.
import { isAscii } from "node:buffer";
import { type LimitError, UnreadableError } from "../../errors.ts";
import { byteOrderMarkLength, describeByte } from "./jsonHead.ts";
import { documentTooLarge, isTooLarge, type ReadLimits } from "./ReadLimits.ts";
import { invalidUtf8 } from "./utf8.ts";

/** One element of the top-level array, as JSON text, with the file offset of its first byte. */
export interface ArrayElement {
  text: string;
  offset: number;
  /** 0-based position in the array. */
  index: number;
}

/** What the splitter expects next at the top level of the array. */
const Expect = {
  OpenArray: 0,
  ElementOrEnd: 1,
  Element: 2,
  CommaOrEnd: 3,
  InsideElement: 4,
  Nothing: 5,
} as const;
type Expectation = (typeof Expect)[keyof typeof Expect];

// Byte classes that matter while inside an element; every other byte is skipped by one table look-up.
const PLAIN = 0;
const QUOTE = 1;
const OPENER = 2;
const CLOSER = 3;
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[0x22] = QUOTE;
BYTE_CLASS[0x5b] = OPENER;
BYTE_CLASS[0x7b] = OPENER;
BYTE_CLASS[0x5d] = CLOSER;
BYTE_CLASS[0x7d] = CLOSER;

const BACKSLASH = 0x5c;
const DOUBLE_QUOTE = 0x22;

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Feed chunks in order with `push`, then call `end`. Each returns the elements completed so far; after a
 * structural fault (bad separator, data after the array, truncation) `failure` is set and nothing more is
 * returned, so the caller yields every element before the damage and then throws `failure`.
 */
export class JsonArraySplitter {
  failure: UnreadableError | LimitError | undefined;
  private expect: Expectation = Expect.OpenArray;
  /** File offset of the first byte of the current chunk. */
  private chunkOffset = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private elementOffset = 0;
  private elementCount = 0;
  /** Earlier chunks' bytes of an element that spans chunks, and how many. */
  private elementParts: Buffer[] = [];
  private elementPartBytes = 0;

  constructor(
    private readonly source: string,
    private readonly limits?: ReadLimits,
  ) {}

  push(chunk: Buffer): ArrayElement[] {
    const elements: ArrayElement[] = [];
    if (this.failure) return elements;
    const n = chunk.length;
    const chunkIsAscii = isAscii(chunk);
    let i = this.chunkOffset === 0 ? byteOrderMarkLength(chunk) : 0;
    let elementStartInChunk = 0;
    while (i < n) {
      if (this.expect === Expect.InsideElement) {
        i = this.scanElement(chunk, i);
        if (this.depth > 0) break;
        const element = this.completeElement(chunk, elementStartInChunk, i, chunkIsAscii);
        if (element === undefined) return elements;
        elements.push(element);
        this.expect = Expect.CommaOrEnd;
        continue;
      }
      const byte = chunk[i];
      if (isJsonWhitespace(byte)) {
        i++;
        continue;
      }
      if (this.expect === Expect.OpenArray) {
        if (byte !== 0x5b)
          return this.fail(elements, i, `expected '[' to open the array, found ${describeByte(byte)}`);
        this.expect = Expect.ElementOrEnd;
      } else if (this.expect === Expect.CommaOrEnd) {
        if (byte === 0x2c) this.expect = Expect.Element;
        else if (byte === 0x5d) this.expect = Expect.Nothing;
        else {
          const found = snippet(chunk, i);
          return this.fail(
            elements,
            i,
            `expected ',' or ']' after document ${this.elementCount}, found ${found}`,
          );
        }
      } else if (this.expect === Expect.Nothing) {
        return this.fail(elements, i, `unexpected data after the end of the array: ${snippet(chunk, i)}`);
      } else if (byte === 0x5b || byte === 0x7b) {
        this.expect = Expect.InsideElement;
        this.elementOffset = this.chunkOffset + i;
        elementStartInChunk = i;
        this.depth = 1;
      } else if (byte === 0x5d && this.expect === Expect.ElementOrEnd) {
        this.expect = Expect.Nothing;
      } else {
        const found = byte === 0x5d ? "']' after a trailing ','" : snippet(chunk, i);
        return this.fail(
          elements,
          i,
          `expected document ${this.elementCount + 1} (a JSON array or object), found ${found}`,
        );
      }
      i++;
    }
    if (this.expect === Expect.InsideElement) {
      const part = chunk.subarray(this.elementParts.length > 0 ? 0 : elementStartInChunk);
      this.elementParts.push(part);
      this.elementPartBytes += part.length;
      // Refused as soon as it is too large: the rest of it is never held.
      if (isTooLarge(this.limits, this.elementPartBytes)) {
        const at = `byte ${this.elementOffset}`;
        this.failure = documentTooLarge(this.limits!, this.source, at, this.elementPartBytes);
      }
    }
    this.chunkOffset += n;
    return elements;
  }

  /** Declares the end of input: a missing `]` or an unfinished element becomes `failure`. */
  end(): ArrayElement[] {
    if (this.failure) return [];
    const eof = this.chunkOffset;
    if (this.expect === Expect.OpenArray) {
      this.failure = new UnreadableError(this.source, `byte ${eof}`, "no JSON array in the file");
    } else if (this.expect === Expect.InsideElement) {
      this.failure = new UnreadableError(
        this.source,
        `byte ${this.elementOffset}`,
        `the file ends (at byte ${eof}) inside document ${this.elementCount + 1}, which starts here: truncated?`,
      );
    } else if (this.expect !== Expect.Nothing) {
      this.failure = new UnreadableError(
        this.source,
        `byte ${eof}`,
        `the file ends before the ']' that closes the array, after ${this.elementCount} documents: truncated?`,
      );
    }
    return [];
  }

  /** Scans element bytes from `i`; returns where it stopped: after the element's last byte, or at `n`. */
  private scanElement(chunk: Buffer, i: number): number {
    const n = chunk.length;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    while (i < n) {
      if (inString) {
        // Inside a string only a quote that is not escaped matters.
        for (; i < n; i++) {
          const byte = chunk[i];
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === DOUBLE_QUOTE) {
            inString = false;
            i++;
            break;
          }
        }
        continue;
      }
      const kind = BYTE_CLASS[chunk[i++]];
      if (kind === PLAIN) continue;
      if (kind === QUOTE) inString = true;
      else if (kind === OPENER) depth++;
      else if (--depth === 0) break;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return i;
  }

  /** The element ending at chunk byte `end`; undefined, with `failure` set, when too large or not UTF-8. */
  private completeElement(
    chunk: Buffer,
    startInChunk: number,
    end: number,
    chunkIsAscii: boolean,
  ): ArrayElement | undefined {
    const spans = this.elementParts.length > 0;
    let bytes: Buffer;
    if (spans) {
      bytes = Buffer.concat([...this.elementParts, chunk.subarray(0, end)]);
      this.elementParts = [];
      this.elementPartBytes = 0;
    } else {
      bytes = chunk.subarray(startInChunk, end);
    }
    if (isTooLarge(this.limits, bytes.length)) {
      const at = `byte ${this.elementOffset}`;
      this.failure = documentTooLarge(this.limits!, this.source, at, bytes.length);
      return undefined;
    }
    // An element inside an ASCII chunk is ASCII: one check of the chunk spares one per element.
    const invalid = !spans && chunkIsAscii ? undefined : invalidUtf8(bytes);
    if (invalid !== undefined) {
      const at = `byte ${this.elementOffset + invalid.offset}`;
      const message = `${invalid.message} in document ${this.elementCount + 1} (which starts at byte ${this.elementOffset})`;
      this.failure = new UnreadableError(this.source, at, message);
      return undefined;
    }
    return { text: bytes.toString("utf8"), offset: this.elementOffset, index: this.elementCount++ };
  }

  /** Records a structural fault at chunk byte `i`; returns the elements completed before it. */
  private fail(elements: ArrayElement[], i: number, message: string): ArrayElement[] {
    this.failure = new UnreadableError(this.source, `byte ${this.chunkOffset + i}`, message);
    return elements;
  }
}

/** Up to 24 bytes of the file from `i`, quoted, to show what was found. */
function snippet(chunk: Buffer, i: number): string {
  return JSON.stringify(chunk.toString("utf8", i, Math.min(i + 24, chunk.length)));
}
