// A federation: several catalogs (local files and databases, remote servers, other federations) searched as
// one. Searches are pushed down to every source and merged in the listing's order (mergeRuns.ts); counts,
// distinct values and field listings are summed; a run's own reads go to the source holding it. Each source
// call keeps the source's time limit: a source down or slow leaves its runs out, reported (FederationReport),
// and the others answer. The federation is read-only: runs are written to one of its sources.
import type { AccessRecords } from "../../access/AccessRecords.ts";
import type { Annotation, AnnotationRevision } from "../../annotations/Annotation.ts";
import type { AnnotationChange, AnnotationRecords } from "../../annotations/AnnotationRecords.ts";
import { findRunIn, storeListing } from "../../broker/findRunIn.ts";
import type { RunRef } from "../../catalog/RunRef.ts";
import type { RunSummary } from "../../catalog/RunSummary.ts";
import type { SeqRange } from "../../catalog/SeqRange.ts";
import type { DocumentPair } from "../../documents/types.ts";
import { NotFoundError, UnsupportedError } from "../../errors.ts";
import type { DistinctValue } from "../../queries/distinct.ts";
import type { FieldListing } from "../../queries/fieldListing.ts";
import { ALL, type Query, type QueryKey } from "../../queries/Query.ts";
import type { ColumnReadOptions } from "../ColumnPage.ts";
import type { OpenOptions } from "../catalogs/CatalogKind.ts";
import { catalogLabel, type FederationSpec } from "../catalogs/CatalogSpec.ts";
import type { RunDeletion } from "../deletions.ts";
import { MemoryAccess } from "../memory/MemoryAccess.ts";
import type { RunsListener } from "../RunChanges.ts";
import type { SearchOptions, Store, StoreRunsOptions } from "../Store.ts";
import { FederationReport } from "./FederationReport.ts";
import { mergeDistinct, mergeFieldListings } from "./mergeListings.ts";
import { mergeRuns } from "./mergeRuns.ts";
import { DEFAULT_SOURCE_TIMEOUT_MS, everySourceFailed, Source, SourceError } from "./Source.ts";

/** Uids remembered with the source holding them (what listings taught), before the memory is started over. */
const REMEMBERED = 200_000;

export class FederatedStore implements Store {
  readonly uri: string;
  /** How messages name it: its configured name, else its sources'. */
  readonly label: string;
  readonly sources: readonly Source[];
  readonly annotations: AnnotationRecords;
  /** The access data of the first source that is a catalog of its own (memberships, keys), else none. */
  readonly access: AccessRecords;
  /** The source of each run, descriptor, resource and stream resource met so far. */
  private readonly sourceOfUid = new Map<string, Source>();

  private constructor(spec: FederationSpec, sources: Source[], access: AccessRecords) {
    this.label = catalogLabel(spec);
    // Not a catalog URI any kind recognises (a name ending .db would otherwise read as a SQLite path).
    this.uri = `federation:${this.label}`;
    this.sources = sources;
    this.access = access;
    this.annotations = new FederatedAnnotations(this);
  }

  /** Opens every source (read-only); one that cannot be opened now is reported by each search until it can. */
  static async open(spec: FederationSpec, _options: OpenOptions = {}): Promise<FederatedStore> {
    if (spec.federate.length === 0)
      throw new UnsupportedError(`${catalogLabel(spec)}: a federation needs sources`);
    const sources = spec.federate.map(
      (source, i) =>
        new Source(
          source.name ?? `${i + 1}:${catalogLabel(source)}`,
          source,
          source.timeoutMs ?? spec.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS,
        ),
    );
    const stores = await Promise.allSettled(sources.map((source) => source.store()));
    if (stores.every((store) => store.status === "rejected")) {
      const reasons = stores.map(
        (store, i) => `${sources[i].name}: ${(store as PromiseRejectedResult).reason.message}`,
      );
      throw new UnsupportedError(`${catalogLabel(spec)}: no source could be opened (${reasons.join("; ")})`);
    }
    const local = stores.find(
      (store): store is PromiseFulfilledResult<Store> =>
        store.status === "fulfilled" && !/^https?:\/\//i.test(store.value.uri),
    );
    return new FederatedStore(spec, sources, local?.value.access ?? new MemoryAccess());
  }

  private readOnly(): Promise<never> {
    return Promise.reject(
      new UnsupportedError(
        `${this.label} is a federation, read-only: write to one of its sources (${this.sources.map((s) => s.name).join(", ")})`,
      ),
    );
  }
  put(): Promise<never> {
    return this.readOnly();
  }
  deleteRun(): Promise<never> {
    return this.readOnly();
  }
  putFieldStats(): Promise<never> {
    return this.readOnly();
  }
  unindexedFields(): Promise<never> {
    return this.readOnly();
  }

  /**
   * Each source's answer at its source's index, undefined for a source that failed: failures reported (or,
   * all failing, an UnavailableError naming each).
   */
  private async bySource<T>(
    work: (store: Store) => Promise<T>,
    report?: FederationReport,
  ): Promise<Array<T | undefined>> {
    const answers = await Promise.allSettled(this.sources.map((source) => source.call(work)));
    const failures = answers.flatMap((answer) => (answer.status === "rejected" ? [answer.reason] : []));
    for (const failure of failures) if (!(failure instanceof SourceError)) throw failure;
    const failed = (failures as SourceError[]).map((failure) => failure.failure);
    if (failed.length === this.sources.length) throw everySourceFailed(this.label, failed);
    const reported = report ?? new FederationReport();
    for (const failure of failed) reported.failed(failure);
    if (!report) warn(reported);
    return answers.map((answer) => (answer.status === "fulfilled" ? answer.value : undefined));
  }

  /** The answers of the sources that answered. */
  private async everySource<T>(work: (store: Store) => Promise<T>, report?: FederationReport): Promise<T[]> {
    return (await this.bySource(work, report)).filter((answer): answer is Awaited<T> => answer !== undefined);
  }

  async deletions(): Promise<RunDeletion[]> {
    const found = (await this.everySource((store) => store.deletions())).flat();
    return found.sort((a, b) => a.deleted_at - b.deleted_at);
  }

  private remember(uid: string, source: Source): void {
    if (this.sourceOfUid.size >= REMEMBERED) this.sourceOfUid.clear();
    this.sourceOfUid.set(uid, source);
  }

  /**
   * The source holding run `uid` (the federation's first, when several do); NotFoundError when none does,
   * the failures reported as warnings (a run of a source that is down is not found until it is back).
   */
  async sourceOfRun(uid: string): Promise<Source> {
    const known = this.sourceOfUid.get(uid);
    if (known) return known;
    const holds = await this.bySource(async (store) => (await store.start(uid)) !== undefined);
    const found = this.sources.find((_, i) => holds[i] === true);
    if (!found) throw new NotFoundError(`no source of ${this.label} holds run ${uid}`);
    this.remember(uid, found);
    return found;
  }

  /** The source of a descriptor, resource or stream resource (learnt when its run was read, else asked). */
  private async sourceOfDocument(uid: string, what: string): Promise<Source> {
    const known = this.sourceOfUid.get(uid);
    if (known) return known;
    for (const source of this.sources) {
      const run = await source.call((store) => store.runOf(uid)).catch(() => undefined);
      if (run !== undefined) {
        this.remember(uid, source);
        return source;
      }
    }
    throw new NotFoundError(`no source of ${this.label} holds ${what} ${uid}`);
  }

  /** `read` of run `uid` on its source; undefined when no source holds the run. */
  private async ofRunIfAny<T>(uid: string, read: (store: Store) => Promise<T>): Promise<T | undefined> {
    const source = await this.sourceOfRun(uid).catch((error) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    return source?.call(read);
  }

  /** A run's descriptors, resources or stream resources from its source, each remembered as living there. */
  private async documentsOfRun<T extends { uid: string }>(
    runUid: string,
    read: (store: Store) => Promise<T[]>,
  ): Promise<T[]> {
    const source = await this.sourceOfRun(runUid);
    const found = await source.call(read);
    for (const document of found) this.remember(document.uid, source);
    return found;
  }

  start(uid: string) {
    return this.ofRunIfAny(uid, (store) => store.start(uid));
  }
  stop(uid: string) {
    return this.ofRunIfAny(uid, (store) => store.stop(uid));
  }
  /** Resolved over the merged listing: the newest run with a scan_id, the N-th most recent, of every source. */
  async findRun(ref: RunRef) {
    return (await findRunIn(storeListing(this), ALL, ref)).start;
  }
  async runOf(documentUid: string): Promise<string | undefined> {
    const source = await this.sourceOfDocument(documentUid, "document").catch(() => undefined);
    return source?.call((store) => store.runOf(documentUid));
  }

  descriptors(runUid: string) {
    return this.documentsOfRun(runUid, (store) => store.descriptors(runUid));
  }
  async *columns(descriptorUids: string[], fields?: string[], seq?: SeqRange, options?: ColumnReadOptions) {
    if (descriptorUids.length === 0) return;
    const source = await this.sourceOfDocument(descriptorUids[0], "descriptor");
    // Column pages stream at the reader's pace: the time limit is the source's to open, not the whole read's.
    yield* (await source.store()).columns(descriptorUids, fields, seq, options);
  }
  async fieldStats(descriptorUid: string) {
    const source = await this.sourceOfDocument(descriptorUid, "descriptor");
    return source.call((store) => store.fieldStats(descriptorUid));
  }
  resources(runUid: string) {
    return this.documentsOfRun(runUid, (store) => store.resources(runUid));
  }
  async resource(uid: string) {
    const source = await this.sourceOfDocument(uid, "resource").catch(() => undefined);
    return source?.call((store) => store.resource(uid));
  }
  async *datums(resourceUid: string) {
    yield* (await (await this.sourceOfDocument(resourceUid, "resource")).store()).datums(resourceUid);
  }
  streamResources(runUid: string) {
    return this.documentsOfRun(runUid, (store) => store.streamResources(runUid));
  }
  async streamResource(uid: string) {
    const source = await this.sourceOfDocument(uid, "stream resource").catch(() => undefined);
    return source?.call((store) => store.streamResource(uid));
  }
  async *streamDatums(streamResourceUid: string) {
    const source = await this.sourceOfDocument(streamResourceUid, "stream resource");
    yield* (await source.store()).streamDatums(streamResourceUid);
  }
  async *documents(runUid: string): AsyncIterable<DocumentPair> {
    yield* (await (await this.sourceOfRun(runUid)).store()).documents(runUid);
  }
  async *documentBatches(runUid: string, afterBatch: number) {
    yield* (await (await this.sourceOfRun(runUid)).store()).documentBatches(runUid, afterBatch);
  }

  /** Every source's committed batches (those whose store is open). */
  watchRuns(listener: RunsListener): () => void {
    const stops: Array<() => void> = [];
    let stopped = false;
    for (const source of this.sources)
      source.store().then(
        (store) => {
          if (!stopped) stops.push(store.watchRuns(listener));
        },
        () => undefined,
      );
    return () => {
      stopped = true;
      for (const stop of stops) stop();
    };
  }

  async *runs(query: Query = ALL, options: StoreRunsOptions = {}): AsyncIterable<RunSummary> {
    const { offset = 0, limit, sort, report, ...search } = options;
    const reported = report ?? new FederationReport();
    // Each source lists from its first run: the merged page's runs are among each source's first offset + limit.
    const perSource: StoreRunsOptions = {
      ...search,
      sort,
      offset: 0,
      limit: limit === undefined ? undefined : offset + limit,
    };
    let skipped = 0;
    let given = 0;
    try {
      if (limit === 0) return;
      for await (const { summary, sources } of mergeRuns(
        this.sources,
        (source) => this.listing(source, query, perSource),
        sort,
        reported,
        this.label,
      )) {
        this.remember(summary.uid, sources[0]);
        if (skipped++ < offset) continue;
        yield { ...summary, sources: sources.map((source) => source.name) };
        if (limit !== undefined && ++given >= limit) return;
      }
    } finally {
      if (!report) warn(reported);
    }
  }

  /** One source's listing, opened within its time limit. */
  private async *listing(source: Source, query: Query, options: StoreRunsOptions): AsyncIterable<RunSummary> {
    yield* await source.call(async (store) => store.runs(query, options));
  }

  async count(query: Query = ALL, options: SearchOptions = {}): Promise<number> {
    const counts = await this.everySource(
      (store) => store.count(query, withoutReport(options)),
      options.report,
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }
  async distinct(key: QueryKey, query: Query = ALL, options: SearchOptions = {}): Promise<DistinctValue[]> {
    return mergeDistinct(
      await this.everySource((store) => store.distinct(key, query, withoutReport(options)), options.report),
    );
  }
  async fields(query: Query = ALL, options: SearchOptions = {}): Promise<FieldListing[]> {
    return mergeFieldListings(
      await this.everySource((store) => store.fields(query, withoutReport(options)), options.report),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((source) => source.close()));
  }
}

/** A source's own search takes the caller's deadline and readers; its report is the federation's to fill. */
function withoutReport({ report: _, ...options }: SearchOptions): SearchOptions {
  return options;
}

/** What a search without a report of its own could not do, said as a process warning rather than dropped. */
function warn(report: FederationReport): void {
  for (const line of report.lines()) process.emitWarning(line, "FederationWarning");
}

/** Annotations live with their run: read from and written to the source holding it. */
class FederatedAnnotations implements AnnotationRecords {
  constructor(private readonly federation: FederatedStore) {}

  async write(change: AnnotationChange): Promise<void> {
    const source = await this.federation.sourceOfRun(change.annotation.run);
    // Written to the source's own store: the federation opened it read-only, so this is refused unless the
    // source allows it; annotations are made through the source's own catalog.
    await source.call((store) => store.annotations.write(change));
  }
  /** The first source that has it. */
  async get(id: string): Promise<Annotation | undefined> {
    for (const source of this.federation.sources) {
      const found = await source.call((store) => store.annotations.get(id)).catch(() => undefined);
      if (found) return found;
    }
    return undefined;
  }
  async list(run: string, readers?: readonly string[]): Promise<Annotation[]> {
    const source = await this.federation.sourceOfRun(run);
    return source.call((store) => store.annotations.list(run, readers));
  }
  async revisions(id: string): Promise<AnnotationRevision[]> {
    for (const source of this.federation.sources) {
      const found = await source.call((store) => store.annotations.revisions(id)).catch(() => []);
      if (found.length > 0) return found;
    }
    return [];
  }
}
