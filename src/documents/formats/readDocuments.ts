// Reads the documents of a file in any supported format (detected from its content) or of a directory:
// a databroker-pack directory, a mongodump db folder of databroker's MongoDB layouts (mongo/), or a plain
// directory of document files read in sorted order, recursively.
import type { Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { NotFoundError } from "../../errors.ts";
import type { ReadDocumentsOptions } from "./DocumentFileFormat.ts";
import type { DocumentFormat } from "./DocumentFormat.ts";
import { type DocumentItem, DocumentStream } from "./DocumentStream.ts";
import { detectFormat } from "./detectFormat.ts";
import { documentFilesOf } from "./documentFiles.ts";
import { fileChunks } from "./fileChunks.ts";
import { mongoDumpAt } from "./mongo/mongoDump.ts";
import { readMongoDump } from "./mongo/readMongoDump.ts";
import type { ReadLimits } from "./ReadLimits.ts";
import { documentFormatNamed, documentFormats } from "./registry.ts";

export type { ReadDocumentsOptions } from "./DocumentFileFormat.ts";

/** How much of a file detection looks at: enough to see past leading whitespace of pretty-printed JSON. */
const HEAD_BYTES = 64 * 1024;

/**
 * Every document at `path`, in file order, streamed in constant memory. A damaged file yields each whole
 * document before the damage, then throws UnreadableError naming the file and the line or byte; a missing
 * path throws NotFoundError.
 */
export function readDocuments(path: string, options: ReadDocumentsOptions = {}): DocumentStream {
  return new DocumentStream(() => chunksAt(path, options));
}

async function* chunksAt(
  path: string,
  options: ReadDocumentsOptions,
): AsyncGenerator<readonly DocumentItem[]> {
  const stats = await statOrNotFound(path);
  if (!stats.isDirectory()) {
    yield* chunksOfFile(path, await detectFileFormat(path), stats.size, options);
    return;
  }
  if ((await mongoDumpAt(path)) !== undefined) {
    yield* readMongoDump(path, options);
    return;
  }
  for (const file of await documentFilesOf(path)) {
    yield* chunksOfFile(file, await detectFileFormat(file), (await stat(file)).size, options);
  }
}

async function statOrNotFound(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new NotFoundError(`no such file or directory: ${path}`);
    throw error;
  }
}

/** The format of the file at `path`, from its first bytes. */
export async function detectFileFormat(path: string): Promise<DocumentFormat> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return detectFormat(head.subarray(0, bytesRead), path);
  } finally {
    await handle.close();
  }
}

/**
 * Starts the parse workers now if one of these files will be read by them, so that they load (~150 ms)
 * while the caller does other work first (opening a catalog) rather than when the read begins.
 */
export async function warmParseWorkersFor(
  files: ReadonlyArray<{ path: string; bytes: number }>,
): Promise<void> {
  for (const { path, bytes } of files) {
    // Sizes first: detecting the format of every small file would open each of them for nothing.
    if (!documentFormats().some((format) => format.largeFileReader?.isWorthFor(bytes))) continue;
    const format = await detectFileFormat(path).catch(() => undefined); // a directory, or unreadable
    const reader = format === undefined ? undefined : documentFormatNamed(format).largeFileReader;
    if (reader?.isWorthFor(bytes)) {
      reader.warm();
      return;
    }
  }
}

/** The documents of one file of a known format; large JSON Lines files are parsed in worker threads. */
export function readDocumentFile(
  path: string,
  format: DocumentFormat,
  options: ReadDocumentsOptions = {},
): DocumentStream {
  return new DocumentStream(async function* () {
    yield* chunksOfFile(path, format, (await stat(path)).size, options);
  });
}

/** The reader of a file of `size` bytes: the format's large-file reader if it has one worth using. */
function chunksOfFile(
  path: string,
  format: DocumentFormat,
  size: number,
  options: ReadDocumentsOptions,
): AsyncIterable<readonly DocumentItem[]> {
  const kind = documentFormatNamed(format);
  if (kind.largeFileReader?.isWorthFor(size, options.parallel))
    return kind.largeFileReader.read(path, options);
  const chunks = options.onBytesRead ? counted(fileChunks(path), options.onBytesRead) : fileChunks(path);
  return kind.read(chunks, path);
}

async function* counted(
  chunks: AsyncIterable<Buffer>,
  onBytesRead: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    onBytesRead(chunk.length);
    yield chunk;
  }
}

/**
 * The documents of a byte stream of a known format (a file's chunks, a request body), parsed as the chunks
 * arrive; errors name `source` and the line or byte. The stream can be read once. A document past
 * `limits` is a LimitError.
 */
export function readDocumentChunks(
  chunks: AsyncIterable<Buffer>,
  format: DocumentFormat,
  source: string,
  limits?: ReadLimits,
): DocumentStream {
  return new DocumentStream(() => documentFormatNamed(format).read(chunks, source, limits));
}
