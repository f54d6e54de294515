// A databroker server as a catalog (`--catalog http://host:port`, or a source of a federation): searches,
// counts and distinct values are asked of the server (Tiled's search routes, so its access rules and its
// indexes apply), and a run's own reads are answered from a copy of its documents (RunCopies). The catalog is
// read-only here: runs are written through the server itself (`databroker ingest` there, or RunWriter).
import type { AccessRecords } from "../../access/AccessRecords.ts";
import type { Annotation, AnnotationRevision } from "../../annotations/Annotation.ts";
import type { AnnotationRecords } from "../../annotations/AnnotationRecords.ts";
import { findRunIn, storeListing } from "../../broker/findRunIn.ts";
import type { RunRef } from "../../catalog/RunRef.ts";
import type { RunSummary } from "../../catalog/RunSummary.ts";
import type { SeqRange } from "../../catalog/SeqRange.ts";
import { HttpSession } from "../../client/HttpSession.ts";
import { subscribeRemote } from "../../client/liveStreams.ts";
import { RemoteAnnotations } from "../../client/RemoteAnnotations.ts";
import { RemoteBroker } from "../../client/RemoteBroker.ts";
import { runDocuments } from "../../client/runDocuments.ts";
import { type ListedRun, searchCount, searchPages } from "../../client/searchPages.ts";
import type { DocumentPair } from "../../documents/types.ts";
import { DatabrokerError, NotFoundError, UnavailableError, UnsupportedError } from "../../errors.ts";
import type { DistinctValue } from "../../queries/distinct.ts";
import type { FieldListing } from "../../queries/fieldListing.ts";
import { ALL, type Query, type QueryKey } from "../../queries/Query.ts";
import { queryToTiledParams } from "../../queries/tiledParams.ts";
import type { ColumnReadOptions } from "../ColumnPage.ts";
import type { OpenOptions } from "../catalogs/CatalogKind.ts";
import { MemoryAccess } from "../memory/MemoryAccess.ts";
import type { RunsListener } from "../RunChanges.ts";
import type { BatchedDocument } from "../replay.ts";
import type { Store, StoreRunsOptions, UnindexedField } from "../Store.ts";
import { RunCopies } from "./RunCopies.ts";

/** The server's session, its failures to answer made UnavailableErrors naming the server (not internal errors). */
class CatalogSession extends HttpSession {
  override async request(url: string, init: Parameters<HttpSession["request"]>[1] = {}): Promise<Response> {
    try {
      return await super.request(url, init);
    } catch (error) {
      if (error instanceof DatabrokerError) throw error;
      // fetch says "fetch failed" and keeps the reason (ECONNREFUSED, a bad port) in its cause.
      const cause = (error as Error).cause as
        | (Error & { cause?: { code?: string; message?: string } })
        | undefined;
      const why =
        cause?.cause?.code ??
        cause?.cause?.message ??
        cause?.message ??
        (error as Error).message.replace(`${url}: `, "");
      throw new UnavailableError(`the server at ${this.baseUrl} did not answer: ${why}`, { cause: error });
    }
  }
}

function summaryOf(listed: ListedRun): RunSummary {
  return {
    uid: listed.start.uid,
    start: listed.start,
    stop: listed.stop,
    streams: listed.summary?.events ?? {},
  };
}

/** A remote run's annotations, listed through the server's annotation routes (changed there, not here). */
class ServerAnnotations implements AnnotationRecords {
  constructor(
    private readonly session: HttpSession,
    private readonly label: string,
  ) {}
  private elsewhere(what: string): Promise<never> {
    return Promise.reject(
      new UnsupportedError(`${this.label}: ${what} this catalog's annotations through its server`),
    );
  }
  write(): Promise<void> {
    return this.elsewhere("change");
  }
  get(): Promise<Annotation | undefined> {
    return this.elsewhere("read one of");
  }
  /** None when the server has no annotation routes (a Tiled server): its runs are listed without them. */
  async list(run: string): Promise<Annotation[]> {
    try {
      return await new RemoteAnnotations(this.session, run).list();
    } catch (error) {
      if (error instanceof NotFoundError) return [];
      throw error;
    }
  }
  revisions(): Promise<AnnotationRevision[]> {
    return this.elsewhere("read the revisions of");
  }
}

export class RemoteStore implements Store {
  /** No memberships here: the server applies its own rules to the key this catalog calls it with. */
  readonly access: AccessRecords = new MemoryAccess();
  readonly annotations: AnnotationRecords;
  private readonly session: HttpSession;
  private readonly copies: RunCopies;

  constructor(
    readonly uri: string,
    options: OpenOptions = {},
  ) {
    this.session = new CatalogSession(uri, {
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs,
      retries: 1,
    });
    this.copies = new RunCopies(this.session);
    this.annotations = new ServerAnnotations(this.session, uri);
  }

  private readOnly(what: string): Promise<never> {
    return Promise.reject(
      new UnsupportedError(
        `${this.uri} is a remote catalog: ${what} through its server, not through this copy`,
      ),
    );
  }

  put(): Promise<never> {
    return this.readOnly("write runs (databroker ingest, RunWriter)");
  }
  deleteRun(): Promise<never> {
    return this.readOnly("delete runs");
  }
  async deletions(): Promise<[]> {
    return [];
  }
  putFieldStats(): Promise<never> {
    return this.readOnly("index fields");
  }
  /** The server indexes its own fields. */
  async unindexedFields(): Promise<UnindexedField[]> {
    return [];
  }

  async start(uid: string) {
    return (await this.listed(uid))?.start;
  }
  async stop(uid: string) {
    return (await this.listed(uid))?.stop ?? undefined;
  }
  findRun(ref: RunRef) {
    return findRunIn(storeListing(this), ALL, ref).then((summary) => summary.start);
  }
  async runOf(documentUid: string): Promise<string | undefined> {
    return this.copies.runOf(documentUid);
  }

  private async listed(uid: string): Promise<ListedRun | undefined> {
    for await (const listed of searchPages(this.session, { op: "eq", key: "uid", value: uid }, { limit: 1 }))
      return listed;
    return undefined;
  }

  async descriptors(runUid: string) {
    return (await this.copies.of(runUid)).descriptors(runUid);
  }
  async *columns(descriptorUids: string[], fields?: string[], seq?: SeqRange, options?: ColumnReadOptions) {
    if (descriptorUids.length === 0) return;
    yield* (await this.copies.holding(descriptorUids[0], "descriptor")).columns(
      descriptorUids,
      fields,
      seq,
      options,
    );
  }
  async fieldStats(descriptorUid: string) {
    return (await this.copies.holding(descriptorUid, "descriptor")).fieldStats(descriptorUid);
  }
  async resources(runUid: string) {
    return (await this.copies.of(runUid)).resources(runUid);
  }
  async resource(uid: string) {
    const run = this.copies.runOf(uid);
    return run === undefined ? undefined : (await this.copies.of(run)).resource(uid);
  }
  async *datums(resourceUid: string) {
    yield* (await this.copies.holding(resourceUid, "resource")).datums(resourceUid);
  }
  async streamResources(runUid: string) {
    return (await this.copies.of(runUid)).streamResources(runUid);
  }
  async streamResource(uid: string) {
    const run = this.copies.runOf(uid);
    return run === undefined ? undefined : (await this.copies.of(run)).streamResource(uid);
  }
  async *streamDatums(streamResourceUid: string) {
    yield* (await this.copies.holding(streamResourceUid, "stream resource")).streamDatums(streamResourceUid);
  }

  /** The server's replay, streamed as it arrives. */
  async *documents(runUid: string): AsyncIterable<DocumentPair> {
    if ((await this.listed(runUid)) === undefined) throw new NotFoundError(`no run ${runUid} at ${this.uri}`);
    yield* runDocuments(this.session, runUid, false);
  }
  /**
   * The server's replay with each document its own batch (numbered from 0): a follower resumes after the
   * last document it saw, from a copy read again while the run is being written.
   */
  async *documentBatches(runUid: string, afterBatch: number): AsyncIterable<BatchedDocument> {
    let batch = 0;
    for await (const document of (await this.copies.of(runUid)).documents(runUid)) {
      if (batch > afterBatch) yield { batch, document };
      batch++;
    }
  }

  /** The server's runs stream: starts and stops, as the server announces them. */
  watchRuns(listener: RunsListener): () => void {
    const stop = new AbortController();
    (async () => {
      for await (const change of subscribeRemote(this.session, [], { signal: stop.signal })) {
        const { uid } = change.summary;
        listener({
          runs: [uid],
          started: change.kind === "start" ? [uid] : [],
          stopped: change.kind === "stop" ? [uid] : [],
        });
      }
    })().catch(() => undefined);
    return () => stop.abort();
  }

  async *runs(query: Query = ALL, options: StoreRunsOptions = {}): AsyncIterable<RunSummary> {
    const { limit, offset, sort } = options;
    for await (const listed of searchPages(this.session, query, { limit, offset, sort }))
      yield summaryOf(listed);
  }
  count(query: Query = ALL): Promise<number> {
    return searchCount(this.session, query);
  }
  distinct(key: QueryKey, query: Query = ALL): Promise<DistinctValue[]> {
    return new RemoteBroker(this.session, query).distinct(key, { counts: true });
  }
  async fields(query: Query = ALL): Promise<FieldListing[]> {
    const url = this.session.url("fields", [], queryToTiledParams(query));
    return (await this.session.json<{ fields: FieldListing[] }>(url)).fields;
  }

  async close(): Promise<void> {}
}
