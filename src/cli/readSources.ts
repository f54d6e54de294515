// How `ingest` and `validate` read what they are given: every source (a file, a databroker-pack directory;
// a directory stands for its files) as a stream of its own, so runs never span files and `DIR` reads as
// `DIR/*` does. A source that gives no document is skipped and reported with why, a damaged one keeps the
// documents before the damage and is reported, and every other source is still read. The exit code follows
// from the tally: 0 all good, 1 something rejected or skipped, 2 no documents at all.
import { type DocumentStream, documentCountOf } from "../documents/formats/DocumentStream.ts";
import { type DocumentSource, documentSourcesOf } from "../documents/formats/documentSources.ts";
import { whyNotDocuments } from "../documents/formats/notDocuments.ts";
import { readDocuments, warmParseWorkersFor } from "../documents/formats/readDocuments.ts";
import { NotFoundError, UnreadableError } from "../errors.ts";
import { plural } from "./plural.ts";
import type { Progress } from "./progress.ts";

export const EXIT_OK = 0;
/** Some run rejected (ingest) or invalid (validate), or some file skipped or damaged. */
export const EXIT_PARTIAL = 1;
/** Nothing readable: no document in any input. */
export const EXIT_NOTHING_READ = 2;

export interface SourceTally {
  /** Sources that gave documents, damaged ones included. */
  read: number;
  /** Sources that gave documents, then met damage. */
  damaged: number;
  /** Sources that gave no document: not documents, empty, missing. */
  skipped: number;
  documents: number;
}

/** Reads the documents of one source (rejections are its own business; read failures it lets through). */
export type SourceReader = (documents: DocumentStream, path: string) => Promise<void>;

/** What a command was given: the paths named, and the sources they stand for. */
export interface Inputs {
  paths: readonly string[];
  sources: DocumentSource[];
}

/**
 * The sources of `paths`, listed before the command opens its catalog; parse workers, if a file needs
 * them, start loading meanwhile.
 */
export async function inputsOf(paths: readonly string[]): Promise<Inputs> {
  const sources = await documentSourcesOf(paths);
  await warmParseWorkersFor(sources);
  return { paths, sources };
}

/** Reads every source of the inputs through `read`, reporting on `progress` as `databroker <command>`. */
export async function readEachSource(
  { paths, sources }: Inputs,
  command: string,
  progress: Progress,
  read: SourceReader,
): Promise<SourceTally> {
  const tally: SourceTally = { read: 0, damaged: 0, skipped: 0, documents: 0 };
  progress.start(sources.reduce((sum, source) => sum + source.bytes, 0));
  let bytesBefore = 0;
  for (const source of sources) {
    let documents = 0;
    const stream = readDocuments(source.path, {
      onBytesRead: (bytes) => progress.advance(bytes),
      onNote: (note) => progress.log(`databroker ${command}: ${note}`),
    }).tap((item) => {
      documents += documentCountOf(item);
    });
    let failure: Error | undefined;
    try {
      await read(stream, source.path);
    } catch (error) {
      if (!isReadFailure(error)) throw error;
      failure = error;
    }
    bytesBefore += source.bytes;
    progress.moveTo(bytesBefore);
    tally.documents += documents;
    if (documents === 0) {
      tally.skipped++;
      progress.log(
        `databroker ${command}: skipped ${source.path}: ${await whySkipped(source.path, failure)}`,
      );
    } else {
      tally.read++;
      if (failure === undefined) continue;
      tally.damaged++;
      progress.log(
        `databroker ${command}: ${failure.message} (damaged: the ${plural(documents, "document")} before it were read)`,
      );
    }
  }
  if (tally.documents === 0) progress.log(`databroker ${command}: no documents found in ${paths.join(" ")}`);
  return tally;
}

/** `12 files read (1 damaged), 1 skipped`: a databroker-pack directory counts as one file. */
export function filesSummary(tally: SourceTally): string {
  const damaged = tally.damaged > 0 ? ` (${tally.damaged} damaged)` : "";
  return `${plural(tally.read, "file")} read${damaged}, ${tally.skipped} skipped`;
}

/** The exit code, given the tally and whether any run was rejected or found invalid. */
export function exitCodeOf(tally: SourceTally, someRunRefused: boolean): number {
  if (tally.documents === 0) return EXIT_NOTHING_READ;
  return someRunRefused || tally.skipped > 0 || tally.damaged > 0 ? EXIT_PARTIAL : EXIT_OK;
}

async function whySkipped(path: string, failure: Error | undefined): Promise<string> {
  if (failure instanceof NotFoundError) return "no such file or directory";
  if (isSystemError(failure)) return `cannot read it: ${failure.message}`;
  return `not event-model documents: ${await whyNotDocuments(path, failure)}`;
}

/** Damaged or foreign input (UnreadableError), a missing path (NotFoundError) or one the system cannot open. */
function isReadFailure(error: unknown): error is Error {
  return error instanceof UnreadableError || error instanceof NotFoundError || isSystemError(error);
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}
