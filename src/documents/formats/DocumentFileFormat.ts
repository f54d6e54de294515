// What one document file format is, as the registry (registry.ts) holds it: its names, extensions and media
// types, how to recognise it from its first bytes, how to stream its documents in and how to write them out.
// Readers, writers, `validate`, `ingest`, `documents` and the HTTP routes know formats only through this.
import type { DocumentPair } from "../types.ts";
import type { DocumentItem } from "./DocumentStream.ts";
import type { ReadLimits } from "./ReadLimits.ts";
import type { ParallelReadOptions } from "./readJsonLinesInParallel.ts";

export interface ReadDocumentsOptions {
  /** How large JSON Lines files are parsed in worker threads (readJsonLinesInParallel.ts). */
  parallel?: ParallelReadOptions;
  /** Told the bytes of each file as they are read (for progress): every byte of a file, once, in order. */
  onBytesRead?: (bytes: number) => void;
  /** Told what a reader left out on purpose (a mongodump's revisions, runs held back after damage). */
  onNote?: (message: string) => void;
}

/**
 * What a format says of a file's first bytes: `true` it is this format, `false` it is not, or a problem
 * when the bytes start like this format but cannot be documents (`at`: the byte that says so).
 */
export type Detection = boolean | { at: number; problem: string };

/** A reader for large files that beats streaming the bytes through `read` (the JSON Lines parse workers). */
export interface LargeFileReader {
  /** Whether a file of `size` bytes is read this way. */
  isWorthFor(size: number, options?: ParallelReadOptions): boolean;
  read(path: string, options: ReadDocumentsOptions): AsyncIterable<readonly DocumentItem[]>;
  /** Starts whatever the reader needs (threads) ahead of the read, while the caller does other work. */
  warm(): void;
}

/** Writes the documents of one output stream, one at a time. */
export interface FormatWriter {
  /** The bytes of one document, preceded by whatever must separate it from the document before. */
  document(pair: DocumentPair): string | Buffer;
  /** The bytes that complete the output (a JSON array's `]`, or all of `[]` when no document came). */
  end(): string;
}

export interface DocumentFileFormat {
  /** The name formats are asked for by (`--format`, writeDocuments, what detection returns). */
  readonly name: string;
  /** Further names accepted for it. */
  readonly aliases: readonly string[];
  /** What users call files of this kind, in messages: `JSON Lines`, `msgpack`. */
  readonly label: string;
  /** What the bytes are, in messages about a mislabelled request body: `JSON`, `msgpack`. */
  readonly encoding: string;
  /** File extensions (lowercase, with the dot), the usual one first: what writers name files with. */
  readonly extensions: readonly string[];
  /** The request Content-Types whose bodies may hold this format (none: not accepted over HTTP). */
  readonly mediaTypes: readonly string[];
  /** Binary output: refused on a terminal unless asked for. */
  readonly binary: boolean;
  /** Offered as `databroker documents --format`. */
  readonly exportable: boolean;
  /** Tells this format from the first bytes of a file (a few kilobytes; fewer for a request body). */
  detect(head: Uint8Array): Detection;
  /**
   * The documents of the bytes in `chunks`, parsed as they arrive, in constant memory; a damaged input
   * yields every whole document before the damage, then throws UnreadableError naming `source` and the
   * line or byte.
   */
  read(
    chunks: AsyncIterable<Buffer>,
    source: string,
    limits?: ReadLimits,
  ): AsyncIterable<readonly DocumentItem[]>;
  readonly largeFileReader?: LargeFileReader;
  /** A fresh writer for one output stream. */
  writer(): FormatWriter;
}
