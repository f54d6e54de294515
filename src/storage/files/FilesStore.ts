// The files adapter (`file:///abs/dir`): a catalog that is a directory of document files (suitcase JSON
// Lines / msgpack runs, JSON arrays of runs, or a databroker-pack directory), read in place and appendable.
// Opening reads every file into a MemoryStore, which answers reads and judges puts; accepted documents are
// written per run as whole new files (PlainLayout.ts, PackLayout.ts). Decisions: README, Design notes.
import { access, constants, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AccessRecords } from "../../access/AccessRecords.ts";
import type { RunRef } from "../../catalog/RunRef.ts";
import type { RunSummary } from "../../catalog/RunSummary.ts";
import type { SeqRange } from "../../catalog/SeqRange.ts";
import { isPackDirectory, readPack } from "../../documents/formats/readPack.ts";
import type {
  DatumPage,
  DocumentPair,
  EventDescriptor,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "../../documents/types.ts";
import { ConflictError, NotFoundError, UnsupportedError } from "../../errors.ts";
import { readsAnnotations } from "../../queries/annotationKeys.ts";
import type { DistinctValue } from "../../queries/distinct.ts";
import type { FieldListing } from "../../queries/fieldListing.ts";
import type { FieldStats } from "../../queries/fieldStats.ts";
import type { Query, QueryKey } from "../../queries/Query.ts";
import type { ColumnPage, ColumnReadOptions } from "../ColumnPage.ts";
import { NoCatalogError } from "../catalogErrors.ts";
import { createDirectory } from "../createDirectory.ts";
import { type DeletionRequest, deletionOf, type RunDeletion } from "../deletions.ts";
import { RunChanges, type RunsListener } from "../RunChanges.ts";
import type { BatchedDocument } from "../replay.ts";
import type {
  PutFieldStatsOptions,
  PutOptions,
  PutReport,
  SearchOptions,
  Store,
  StoreRunsOptions,
  UnindexedField,
} from "../Store.ts";
import { WriteQueue } from "../WriteQueue.ts";
import { bulkAsPages } from "./bulkAsPages.ts";
import type { CatalogLayout } from "./CatalogLayout.ts";
import { appendDeletion, readDeletions } from "./deletionLog.ts";
import { FilesAccess } from "./FilesAccess.ts";
import { FilesAnnotations } from "./FilesAnnotations.ts";
import { type DirectoryProblem, type LoadedDirectory, loadDirectory } from "./loadDirectory.ts";
import { PackLayout } from "./PackLayout.ts";
import { PlainLayout } from "./PlainLayout.ts";
import { RunOwnership } from "./runOwnership.ts";
import { BatchNovelty, unwrittenDocuments } from "./unwrittenDocuments.ts";

async function toArray<T>(items: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  if (Symbol.iterator in items) return [...items];
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export interface FilesStoreOptions {
  /** The URI to report as `uri`; by default the directory's file:// URI. */
  uri?: string;
  /** Refuse every put (UnsupportedError): for directories that must stay as they are. */
  readOnly?: boolean;
}

export class FilesStore implements Store {
  private layout?: CatalogLayout;
  private readonly queue = new WriteQueue();
  private readonly changes = new RunChanges();

  private constructor(
    /** The catalog directory, absolute. */
    readonly directory: string,
    readonly uri: string,
    private readonly readOnly: boolean,
    private state: LoadedDirectory,
  ) {
    this.access = new FilesAccess(directory, async () => {
      await this.writableLayout();
    });
    this.annotations = new FilesAnnotations({
      directory,
      histories: () => this.state.memory.annotations,
      hasRun: (uid) => this.state.runFiles.has(uid),
      checkWritable: async () => {
        await this.writableLayout();
      },
      queue: this.queue,
    });
  }

  readonly access: AccessRecords;
  readonly annotations: FilesAnnotations;

  /**
   * Opens the directory and reads all of it. A missing directory is created, as a new, empty catalog, unless
   * the store is read-only: then there is no catalog (NoCatalogError), and nothing is created.
   */
  static async open(directory: string, options: FilesStoreOptions = {}): Promise<FilesStore> {
    const root = resolve(directory);
    const uri = options.uri ?? pathToFileURL(root).href;
    const found = await stat(root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (!found) {
      if (options.readOnly) throw new NoCatalogError(uri);
      createDirectory(root);
    } else if (!found.isDirectory())
      throw new UnsupportedError(`${root}: a files catalog is a directory, not a file`);
    const store = new FilesStore(root, uri, options.readOnly ?? false, await loadDirectory(root));
    // A pack says where its external files are; an unreadable catalog.yml is already among the problems.
    if (await isPackDirectory(root)) store.rootMap = (await readPack(root).catch(() => undefined))?.rootMap;
    return store;
  }

  /** Opens the catalog named `file:///abs/dir`. */
  static openUri(uri: string, options: Omit<FilesStoreOptions, "uri"> = {}): Promise<FilesStore> {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      throw new UnsupportedError(`${uri}: a files catalog is named by an absolute URI, file:///abs/dir`);
    }
    return FilesStore.open(path, { ...options, uri });
  }

  /** A databroker-pack directory's root_map (absolute paths); undefined for a plain directory. */
  rootMap?: Readonly<Record<string, string>>;

  /** What could not be read or was refused when the directory was (last) read; the rest is served. */
  get problems(): readonly DirectoryProblem[] {
    return this.state.problems;
  }

  put(batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>, options?: PutOptions): Promise<PutReport> {
    return this.queue.run(async () => {
      const documents = await toArray(batch);
      const layout = await this.writableLayout();
      const { memory } = this.state;
      const novelty = await BatchNovelty.before(memory, documents);
      const report = await memory.put(documents, options);
      if (report.stored === 0) return report;
      try {
        await this.persist(documents, report, novelty, layout);
      } catch (error) {
        // The MemoryStore holds what the files do not: read the files again, they are the truth.
        this.state = await loadDirectory(this.directory).catch(() => this.state);
        throw error;
      }
      this.changes.emit(report);
      return report;
    });
  }

  /**
   * Deletes a run by removing its files (see CatalogLayout.remove), recorded first in the directory's
   * deletion log. Refused (ConflictError, nothing deleted) when a file of the run holds other documents too,
   * another run's or a refused run's: files are removed whole, never rewritten.
   */
  deleteRun(uid: string, request: DeletionRequest): Promise<RunDeletion> {
    return this.queue.run(async () => {
      const layout = await this.writableLayout();
      const start = await this.state.memory.start(uid);
      const files = this.state.runFiles.get(uid);
      if (!start || !files) throw new NotFoundError(`no run has uid ${uid}`);
      this.refuseSharedFiles(uid, files);
      const deletion = deletionOf(start, request);
      try {
        await layout.remove(files, async () => {
          await appendDeletion(this.directory, deletion);
          await this.annotations.forgetRun(uid);
        });
      } catch (error) {
        // Some files may be gone: read the directory again, the files are the truth.
        this.state = await loadDirectory(this.directory).catch(() => this.state);
        throw error;
      }
      this.state.runFiles.delete(uid);
      await this.state.memory.deleteRun(uid, request);
      return deletion;
    });
  }

  deletions(): Promise<RunDeletion[]> {
    return readDeletions(this.directory);
  }

  private refuseSharedFiles(uid: string, files: string[]): void {
    const mine = new Set(files);
    const sharers = new Map<string, string>();
    for (const [run, runFiles] of this.state.runFiles) {
      const shared = run === uid ? undefined : runFiles.find((file) => mine.has(file));
      if (shared) sharers.set(run, shared);
    }
    for (const problem of this.state.problems) {
      if (problem.kind === "rejected" && problem.run !== uid && mine.has(problem.file))
        sharers.set(problem.run ?? "(a refused run)", problem.file);
    }
    if (sharers.size === 0) return;
    const [[other, file]] = sharers;
    const more = sharers.size > 1 ? ` and ${sharers.size - 1} more run(s)` : "";
    throw new ConflictError(
      `run ${uid} shares ${file} with run ${other}${more}: a files catalog deletes a run by removing its own files; move the run into a file of its own first; nothing deleted`,
    );
  }

  private async writableLayout(): Promise<CatalogLayout> {
    if (this.readOnly) throw new UnsupportedError(`${this.uri} was opened read-only; nothing stored`);
    this.layout ??= (await isPackDirectory(this.directory))
      ? await PackLayout.open(this.directory)
      : new PlainLayout(this.directory);
    for (const dir of this.layout.writableDirectories) {
      try {
        await access(dir, constants.W_OK);
      } catch {
        throw new UnsupportedError(
          `${dir} is not writable: this files catalog is read-only here; nothing stored`,
        );
      }
    }
    return this.layout;
  }

  private async persist(
    documents: DocumentPair[],
    report: PutReport,
    novelty: BatchNovelty,
    layout: CatalogLayout,
  ): Promise<void> {
    const { memory, runFiles } = this.state;
    let fresh: DocumentPair[];
    if (novelty.everythingNew(report)) fresh = [...bulkAsPages(documents)];
    else {
      const files = new Set(report.runs.flatMap((run) => runFiles.get(run) ?? []));
      fresh = await unwrittenDocuments(documents, [...files]);
    }
    if (fresh.length === 0) return;
    const ownership = await RunOwnership.of(memory, report.runs);
    await layout.append(ownership.group(fresh), this.state);
  }

  start(uid: string): Promise<RunStart | undefined> {
    return this.state.memory.start(uid);
  }

  findRun(ref: RunRef): Promise<RunStart> {
    return this.state.memory.findRun(ref);
  }

  stop(runUid: string): Promise<RunStop | undefined> {
    return this.state.memory.stop(runUid);
  }

  descriptors(runUid: string): Promise<EventDescriptor[]> {
    return this.state.memory.descriptors(runUid);
  }

  columns(
    descriptorUids: string[],
    fields?: string[],
    seq?: SeqRange,
    options?: ColumnReadOptions,
  ): AsyncIterable<ColumnPage> {
    return this.state.memory.columns(descriptorUids, fields, seq, options);
  }

  fieldStats(descriptorUid: string): Promise<Record<string, FieldStats>> {
    return this.state.memory.fieldStats(descriptorUid);
  }

  /**
   * Kept in memory only, for as long as the store is open: the directory holds documents, and statistics
   * are no document (README, Design notes). A files catalog is indexed again each time it is opened, read-only
   * or not (nothing is written).
   */
  putFieldStats(
    descriptorUid: string,
    stats: Record<string, FieldStats>,
    options?: PutFieldStatsOptions,
  ): Promise<string[]> {
    return this.state.memory.putFieldStats(descriptorUid, stats, options);
  }

  unindexedFields(): Promise<UnindexedField[]> {
    return this.state.memory.unindexedFields();
  }

  resources(runUid: string): Promise<Resource[]> {
    return this.state.memory.resources(runUid);
  }

  runOf(documentUid: string): Promise<string | undefined> {
    return this.state.memory.runOf(documentUid);
  }

  resource(uid: string): Promise<Resource | undefined> {
    return this.state.memory.resource(uid);
  }

  datums(resourceUid: string): AsyncIterable<DatumPage> {
    return this.state.memory.datums(resourceUid);
  }

  streamResources(runUid: string): Promise<StreamResource[]> {
    return this.state.memory.streamResources(runUid);
  }

  streamResource(uid: string): Promise<StreamResource | undefined> {
    return this.state.memory.streamResource(uid);
  }

  streamDatums(streamResourceUid: string): AsyncIterable<StreamDatum> {
    return this.state.memory.streamDatums(streamResourceUid);
  }

  documents(runUid: string): AsyncIterable<DocumentPair> {
    return this.state.memory.documents(runUid);
  }

  /** Before a search of annotations: their changes by other processes replayed (a stat when none). */
  private async annotationsFor(query: unknown): Promise<void> {
    if (readsAnnotations(query)) await this.annotations.catchUp();
  }

  async *runs(query?: Query, options?: StoreRunsOptions): AsyncIterable<RunSummary> {
    await this.annotationsFor(query);
    yield* this.state.memory.runs(query, options);
  }

  async count(query?: Query, options?: SearchOptions): Promise<number> {
    await this.annotationsFor(query);
    return this.state.memory.count(query, options);
  }

  async fields(query?: Query, options?: SearchOptions): Promise<FieldListing[]> {
    await this.annotationsFor(query);
    return this.state.memory.fields(query, options);
  }

  async distinct(key: QueryKey, query?: Query, options?: SearchOptions): Promise<DistinctValue[]> {
    await this.annotationsFor([query, { key }]);
    return this.state.memory.distinct(key, query, options);
  }

  /** Batches this process writes only: other processes' writes to the directory are not watched. */
  watchRuns(listener: RunsListener): () => void {
    return this.changes.watch(listener);
  }

  documentBatches(runUid: string, afterBatch: number): AsyncIterable<BatchedDocument> {
    return this.state.memory.documentBatches(runUid, afterBatch);
  }

  close(): Promise<void> {
    return this.state.memory.close();
  }
}
