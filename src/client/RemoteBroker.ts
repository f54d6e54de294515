// A Broker over HTTP: the same lookups, searches, counts, pages, sorts and distinct values as the local
// Broker, asked of a databroker (Tiled-compatible) server with Tiled's filter[...] search parameters.
// Or / Not have no filter form in Tiled: searching with them throws UnsupportedError at once (the client
// never filters runs itself: a search must mean the same on the server as here).

import { andQuery } from "../broker/andQuery.ts";
import type { BrokerLike } from "../broker/BrokerLike.ts";
import { findRunIn, type RunListing } from "../broker/findRunIn.ts";
import type { RunsOptions } from "../broker/index.ts";
import { aliasParts, aliasText, type RunAlias, runAliasOf } from "../catalog/RunAlias.ts";
import type { RunRef } from "../catalog/RunRef.ts";
import { NotFoundError } from "../errors.ts";
import type { RunChange, SubscribeOptions } from "../live/types.ts";
import type { DistinctValue } from "../queries/distinct.ts";
import { type ParseOptions, parseQuery } from "../queries/parseQuery.ts";
import { ALL, type Query, type QueryKey, type QueryValue } from "../queries/Query.ts";
import { queryToTiledParams } from "../queries/tiledParams.ts";
import { HttpSession, type Params, type SessionOptions } from "./HttpSession.ts";
import { type ReconnectOptions, subscribeRemote } from "./liveStreams.ts";
import { RemoteRun, type RunMetadata } from "./RemoteRun.ts";
import { MAX_PAGE, searchCount, searchPages, tiledKeyOf } from "./searchPages.ts";

export interface RemoteOptions extends SessionOptions {
  /** Runs asked for per search request (default and most: 300, the server's largest page). */
  pageSize?: number;
}

export class RemoteBroker implements BrokerLike {
  readonly query: Query;
  private readonly filters: Params;

  constructor(
    readonly session: HttpSession,
    query: Query = ALL,
    private readonly pageSize = MAX_PAGE,
  ) {
    this.query = query;
    this.filters = queryToTiledParams(query);
  }

  /** A broker of the server at `url`; the key is checked at once (UnauthorizedError when wrong). */
  static async connect(url: string, options: RemoteOptions = {}): Promise<RemoteBroker> {
    const broker = new RemoteBroker(new HttpSession(url, options), ALL, options.pageSize);
    await broker.count();
    return broker;
  }

  search(query: Query | string, options: ParseOptions = {}): RemoteBroker {
    const narrower = typeof query === "string" ? parseQuery(query, options) : query;
    return new RemoteBroker(this.session, andQuery(this.query, narrower), this.pageSize);
  }

  /**
   * The runs of this search that start or stop from now on, with their summaries (the server's
   * /api/v1/stream/runs); reconnects after a dropped connection (liveStreams.ts).
   */
  subscribe(options: SubscribeOptions & ReconnectOptions = {}): AsyncIterable<RunChange> {
    return subscribeRemote(this.session, this.filters, options);
  }

  count(): Promise<number> {
    return searchCount(this.session, this.query);
  }

  async run(ref: RunRef): Promise<RemoteRun> {
    const alias = runAliasOf(ref);
    if (alias) return RemoteRun.load(this.session, await this.aliasMetadata(alias));
    return RemoteRun.load(this.session, await findRunIn(this.runListing(), this.query, ref));
  }

  /**
   * The metadata of the run an alias names, from the server's alias route (only it knows the beamtimes). The
   * server resolves it among all the runs the caller may see; a narrower broker then checks the run is
   * among its own.
   */
  private async aliasMetadata(alias: RunAlias): Promise<RunMetadata> {
    const body = await this.session.json<{ data: { attributes: { metadata: RunMetadata } } }>(
      this.session.url("alias", aliasParts(alias), [["fields", "metadata"]]),
    );
    const { metadata } = body.data.attributes;
    if (this.query.op === "all") return metadata;
    try {
      return await findRunIn(this.runListing(), this.query, { uid: metadata.start.uid });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new NotFoundError(`run alias ${aliasText(alias)}: its run is not among this search's runs`);
    }
  }

  private runListing(): RunListing<RunMetadata> {
    return {
      list: (query, options) => this.listing(query, options),
      uidOf: (metadata) => metadata.start.uid,
    };
  }

  recent(n: number): AsyncIterable<RemoteRun> {
    return this.runs({ limit: n });
  }

  /** Runs page by page (following the server's `next` links), newest first unless sorted otherwise. */
  async *runs(options: RunsOptions = {}): AsyncGenerator<RemoteRun> {
    for await (const metadata of searchPages(this.session, this.query, options, this.pageSize))
      yield await RemoteRun.load(this.session, metadata);
  }

  async page(options: RunsOptions = {}): Promise<RemoteRun[]> {
    const runs: RemoteRun[] = [];
    for await (const run of this.runs(options)) runs.push(run);
    return runs;
  }

  distinct(key: QueryKey, options: { counts: true }): Promise<DistinctValue[]>;
  distinct(key: QueryKey, options?: { counts?: false }): Promise<QueryValue[]>;
  async distinct(key: QueryKey, options: { counts?: boolean } = {}): Promise<DistinctValue[] | QueryValue[]> {
    const tiledKey = tiledKeyOf(key);
    const body = await this.session.json<{ metadata: Record<string, DistinctValue[]> }>(
      this.session.url("distinct", [], [...this.filters, ["metadata", tiledKey], ["counts", "true"]]),
    );
    const found = body.metadata[tiledKey] ?? [];
    return options.counts ? found : found.map((entry) => entry.value);
  }

  [Symbol.asyncIterator](): AsyncIterator<RemoteRun> {
    return this.runs()[Symbol.asyncIterator]();
  }

  /** Nothing to release: every request is its own. */
  /** Each tag on this server's runs the caller sees, with how many runs carry it (GET /api/v1/tags). */
  async tags(): Promise<Array<{ tag: string; count: number }>> {
    return (
      await this.session.json<{ data: Array<{ tag: string; count: number }> }>(this.session.url("tags"))
    ).data;
  }

  async close(): Promise<void> {}

  private async listing(query: Query, options: RunsOptions): Promise<RunMetadata[]> {
    const found: RunMetadata[] = [];
    for await (const metadata of searchPages(this.session, query, options, this.pageSize))
      found.push(metadata);
    return found;
  }
}
