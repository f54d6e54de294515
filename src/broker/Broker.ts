// The Broker: a catalog of runs over any Store. Look a run up (-N, scan_id, uid or prefix, or an alias
// beamline/proposal/beamtime/scan_id), search (each search a narrower Broker; searches compose with And),
// count, page and sort; iterate newest first.
import { type AccessControl, accessControlOf, localActor } from "../access/AccessControl.ts";
import { AccessPolicy } from "../access/AccessPolicy.ts";
import { checkedWrites } from "../access/checkedWrites.ts";
import { type Principal, SINGLE_USER } from "../access/Principal.ts";
import { Annotations } from "../annotations/Annotations.ts";
import { AssetReader } from "../assets/AssetReader.ts";
import { fileRootsFromEnv, maxReadBytesFromEnv } from "../assets/environment.ts";
import type { HandlerRegistry } from "../assets/HandlerRegistry.ts";
import type { RootMap } from "../assets/paths.ts";
import { aliasText, type RunAlias, runAliasOf } from "../catalog/RunAlias.ts";
import type { RunRef } from "../catalog/RunRef.ts";
import type { RunSummary } from "../catalog/RunSummary.ts";
import type { RunsOptions } from "../catalog/RunsOptions.ts";
import type { DocumentPair } from "../documents/types.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { runChanges } from "../live/runChanges.ts";
import type { RunChange, SubscribeOptions } from "../live/types.ts";
import { checkedProvenance } from "../provenance/checkedProvenance.ts";
import { type LineageGraph, type LineageOptions, lineageOf } from "../provenance/lineage.ts";
import type { ShownInput } from "../provenance/ProvenanceRecord.ts";
import { checkedViewKeys } from "../provenance/provenanceKeys.ts";
import { ReadableRuns } from "../provenance/ReadableRuns.ts";
import type { DistinctValue } from "../queries/distinct.ts";
import type { FieldListing } from "../queries/fieldListing.ts";
import { fuzzyWordsIn } from "../queries/fuzzyRank.ts";
import { derivedFromQuery } from "../queries/kinds/derivedFrom.ts";
import { type ParseOptions, parseQuery } from "../queries/parseQuery.ts";
import { ALL, type Query, type QueryKey, type QueryValue } from "../queries/Query.ts";
import { SearchDeadline } from "../queries/SearchDeadline.ts";
import type { OpenOptions } from "../storage/catalogs/CatalogKind.ts";
import type { CatalogSpec } from "../storage/catalogs/CatalogSpec.ts";
import { specFileOptions } from "../storage/catalogs/specFileOptions.ts";
import type { FederationReport } from "../storage/federation/FederationReport.ts";
import { catalogDirectory, defaultCatalogUri, openStore } from "../storage/openStore.ts";
import type { PutReport, SearchOptions, Store } from "../storage/Store.ts";
import { aliasOfStart } from "./aliasScope.ts";
import { andQuery } from "./andQuery.ts";
import type { BrokerLike } from "./BrokerLike.ts";
import { findAliasIn } from "./findAliasIn.ts";
import { findRunIn, storeListing } from "./findRunIn.ts";
import { Run } from "./Run.ts";
import { rankedListing } from "./rankedListing.ts";
import { toSortKeys } from "./sortKeys.ts";

export interface BrokerOptions {
  /** Handlers for external data (default: the built-ins); register your own on `builtinHandlers()`. */
  handlers?: HandlerRegistry;
  /** databroker's root_map: a Resource root (or a StreamResource path prefix) -> where its files are now. */
  rootMap?: RootMap;
  /**
   * Directories external files may be read from, besides the catalog's own folder (a SQLite file's folder,
   * a files catalog's directory) and the root_map targets (default: $DATABROKER_FILE_ROOTS). `["/"]` reads
   * any file: for trusted local use only, never a server's default.
   */
  fileRoots?: readonly string[];
  /** The most bytes one read of external data may take (default: $DATABROKER_MAX_READ_BYTES, else 1 GiB). */
  maxReadBytes?: number;
  /** A reader to share with other brokers (its handlers, roots and open files); the options above then unused. */
  assets?: AssetReader;
  /** Only the runs this query selects (what `search` narrows). */
  query?: Query;
  /** The time each search (count, page of runs, distinct) may take; past it, SearchTimeoutError. */
  searchBudgetMs?: number;
  /** One deadline all this broker's searches share (see `withinBudget`); wins over `searchBudgetMs`. */
  deadline?: SearchDeadline;
  /**
   * Where searches of a federation of catalogs note the sources that failed (see `reportingTo`); without
   * one, a federation emits them as process warnings.
   */
  report?: FederationReport;
  /** Whose view this is (see `as`): its writes are checked against the catalog's access rules. */
  principal?: Principal;
  /** The access rules the view was made with (see `within`): annotations are read and changed by them. */
  policy?: AccessPolicy;
  /**
   * The runs that view may read by uid (set by `within`): what provenance records are shown against
   * (inputs it may not read hidden). Default: every run.
   */
  readable?: ReadableRuns;
}

/** The rules of a catalog seen without memberships: nothing is hidden, anyone may change anything. */
const UNRESTRICTED = new AccessPolicy(undefined);

function checkedCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0))
    throw new ValidationError(`${name} must be a whole number of 0 or more, got ${value}`);
}

export class Broker implements BrokerLike {
  readonly store: Store;
  /** The runs this broker sees. */
  readonly query: Query;
  readonly assets: AssetReader;
  /** Whose view this broker is, when narrowed by `as`; undefined: the catalog itself (no access rules). */
  readonly principal?: Principal;
  private readonly policy?: AccessPolicy;
  /** The runs this view may read, by uid (provenance/ReadableRuns.ts). */
  private readonly readable: ReadableRuns;
  private readonly searchLimits: Pick<BrokerOptions, "searchBudgetMs" | "deadline" | "report">;
  private readonly owns: { store: boolean; assets: boolean };

  constructor(store: Store, options: BrokerOptions = {}) {
    this.store = store;
    this.query = options.query ?? ALL;
    this.principal = options.principal;
    this.policy = options.policy;
    this.readable = options.readable ?? new ReadableRuns(store);
    this.searchLimits = {
      searchBudgetMs: options.searchBudgetMs,
      deadline: options.deadline,
      report: options.report,
    };
    // The caller's root_map wins over the catalog's own (a pack knows where it keeps its files).
    const rootMap = { ...store.rootMap, ...options.rootMap };
    this.assets =
      options.assets ??
      new AssetReader({
        registry: options.handlers,
        rootMap,
        fileRoots: [catalogDirectory(store.uri) ?? [], options.fileRoots ?? fileRootsFromEnv()].flat(),
        maxReadBytes: options.maxReadBytes ?? maxReadBytesFromEnv(),
      });
    this.owns = { store: false, assets: options.assets === undefined };
  }

  /**
   * A Broker over `catalog`, a URI or a configured spec (default: the default catalog); `close()` closes the
   * store too.
   * `readOnly` opens an existing catalog without creating or changing anything (see openStore).
   */
  static async open(
    catalog: string | CatalogSpec = defaultCatalogUri(),
    options: BrokerOptions & OpenOptions = {},
  ): Promise<Broker> {
    const store = await openStore(catalog, {
      readOnly: options.readOnly,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs,
    });
    const broker = new Broker(store, { ...options, ...specFileOptions(catalog, options) });
    broker.owns.store = true;
    return broker;
  }

  /**
   * A Broker over the catalog the configuration file names `name` (found as `databroker config path` lists,
   * or `options.config`): its URI with its key from the environment, root_map and file roots, or a
   * federation. An unknown name is a NotFoundError listing the configured names.
   */
  static async named(
    name: string,
    options: BrokerOptions & OpenOptions & { config?: string } = {},
  ): Promise<Broker> {
    const { namedCatalog } = await import("../config/namedCatalog.ts");
    const { config, ...rest } = options;
    const { spec, options: configured } = await namedCatalog(name, { config });
    return Broker.open(spec, {
      ...rest,
      fileRoots: rest.fileRoots ?? configured.fileRoots,
      maxReadBytes: rest.maxReadBytes ?? configured.maxReadBytes,
    });
  }

  /** A narrower Broker: the runs of this one that also match `query` (a Query or query-language text). */
  search(query: Query | string, options: ParseOptions = {}): Broker {
    const narrower = typeof query === "string" ? parseQuery(query, options) : query;
    return this.view({ query: andQuery(this.query, narrower) });
  }

  /** The same runs, each search limited to `budgetMs` (undefined: no limit). */
  withSearchBudget(budgetMs: number | undefined): Broker {
    return this.view({ searchBudgetMs: budgetMs, deadline: undefined });
  }

  /**
   * The same runs with one deadline, starting now, for all their searches: what one HTTP request uses, so a
   * request counting, listing and reading distinct values keeps to one budget.
   */
  withinBudget(): Broker {
    const { searchBudgetMs } = this.searchLimits;
    if (searchBudgetMs === undefined) return this;
    return this.view({ deadline: SearchDeadline.after(searchBudgetMs) });
  }

  /**
   * The same runs, the searches of a federation of catalogs noting in `report` the sources that failed and
   * the runs they hold differently (the answer is then partial); other catalogs leave it empty.
   */
  reportingTo(report: FederationReport): Broker {
    return this.view({ report });
  }

  /** Another view of the same store and reader: this one's options, `changes` applied. */
  private view(changes: Partial<BrokerOptions>): Broker {
    return new Broker(this.store, {
      assets: this.assets,
      query: this.query,
      principal: this.principal,
      policy: this.policy,
      readable: this.readable,
      ...this.searchLimits,
      ...changes,
    });
  }

  /** The catalog's access control: memberships, keys, the audit (see access/AccessControl.ts). */
  get access(): AccessControl {
    return accessControlOf(this.store.access);
  }

  /**
   * The catalog as `principal` may see it: every search, count, distinct and lookup ANDed with the runs
   * visible to them now, and every put checked against their right to write (a catalog without memberships
   * hides nothing). The rules are read now: call again to follow later membership changes.
   */
  async as(principal: Principal): Promise<Broker> {
    return this.within(await this.access.policy(), principal);
  }

  /** The same as `as`, with a policy already read (what a server reads once per request). */
  within(policy: AccessPolicy, principal: Principal): Broker {
    return this.view({
      query: andQuery(this.query, policy.visibleRuns(principal)),
      // Without memberships nothing is checked: no lookups slow a single user's writes.
      principal: policy.enforced ? principal : undefined,
      policy: policy.enforced ? policy : undefined,
      readable: policy.enforced ? new ReadableRuns(this.store, policy, principal) : this.readable,
    });
  }

  /**
   * Stores documents (one atomic put). A Resource or StreamResource whose files lie outside this broker's
   * file roots is refused with a `file-root` finding, unless `trustResourcePaths` (a trusted local import).
   * The check runs here, not in the store: the broker knows the roots (the caller's root_map and file roots
   * as well as the catalog's), and the store applies it inside its put so the finding joins the batch's own.
   */
  async put(
    batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
    options: { trustResourcePaths?: boolean; inputComplete?: Promise<void> } = {},
  ): Promise<PutReport> {
    const { inputComplete } = options;
    const policy = this.principal ? await this.access.policy() : undefined;
    const writes =
      policy && this.principal ? checkedWrites(batch, this.principal, policy, this.store) : batch;
    // Every put, with access rules or without, checks provenance records: their shape and their inputs.
    const documents = checkedProvenance(
      writes,
      new ReadableRuns(this.store, policy, this.principal),
      this.principal,
    );
    if (options.trustResourcePaths) return this.store.put(documents, { inputComplete });
    return this.store.put(documents, { checkResource: this.assets.resourcePathFindings, inputComplete });
  }

  /**
   * The annotations of this broker's runs as its principal reads and changes them (annotations/Annotations.ts);
   * changes are recorded under `actor` (default: the principal's id, else the local user, `local:<name>`).
   */
  annotations(actor?: string): Annotations {
    const principal = this.principal ?? SINGLE_USER;
    const author = actor ?? (this.principal?.kind === "user" ? this.principal.id : localActor());
    return new Annotations(this.store.annotations, this.policy ?? UNRESTRICTED, { principal, actor: author });
  }

  count(): Promise<number> {
    return this.store.count(this.query, this.searchOptions());
  }

  /**
   * A run by reference: -N is the N-th most recent, a positive number the newest run with that scan_id, a
   * string a uid or a unique uid prefix of at least 5 characters (an ambiguous one lists its matches), text
   * with a `/` an alias `beamline/proposal/beamtime/scan_id|latest|-N` (see `findAlias`).
   */
  async run(ref: RunRef): Promise<Run> {
    const alias = runAliasOf(ref);
    if (alias) return this.runOf(await this.findAlias(alias));
    if (this.query.op === "all") {
      const start = await this.readable.shown(await this.store.findRun(ref));
      return Run.load(this.store, this.assets, start, {}, this.readable);
    }
    const summary = await findRunIn(storeListing(this.store), this.query, ref);
    return this.runOf(summary);
  }

  /**
   * The run an alias names among this broker's runs: of its beamtime (the one a run belongs to now, with
   * memberships; the start's beamtime key without), the newest with the scan_id, or the N-th most recent.
   * NotFoundError names the part that does not match; a beamtime hidden from this broker's principal answers
   * as one that does not exist.
   */
  async findAlias(alias: RunAlias): Promise<RunSummary> {
    const policy = await this.access.policy();
    return findAliasIn(storeListing(this.store), this.query, alias, policy, this.principal);
  }

  /**
   * A run's alias (`X/P1/B1a/42`), when it has one that names it here: it belongs to a beamtime (with
   * memberships; without, its start names beamline, proposal and beamtime), has a scan_id, and no newer run
   * of that beamtime has the same scan_id (the alias would name that one).
   */
  async alias(ref: RunRef): Promise<string | undefined> {
    const { start } = await this.run(ref);
    const alias = aliasOfStart(start, await this.access.policy());
    if (!alias) return undefined;
    try {
      return (await this.findAlias(alias)).uid === start.uid ? aliasText(alias) : undefined;
    } catch (error) {
      // Re-tagged or deleted since it was read: no alias names it now.
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** The `n` most recent runs, newest first. */
  recent(n: number): AsyncIterable<Run> {
    return this.runs({ limit: n });
  }

  /** Runs, newest first unless sorted otherwise (closest first for a fuzzy search), with offset and limit. */
  async *runs(options: RunsOptions = {}): AsyncGenerator<Run> {
    for await (const summary of this.summaries(options)) yield await this.runOf(summary);
  }

  /**
   * The runs of this view that start or stop from now on, each with its summary at that moment, as they are
   * stored by this process or another (see Store.watchRuns); ends when `signal` aborts.
   */
  subscribe(options: SubscribeOptions = {}): AsyncIterable<RunChange> {
    return runChanges(this, options);
  }

  /** One page of runs as an array. */
  async page(options: RunsOptions = {}): Promise<Run[]> {
    const runs: Run[] = [];
    for await (const run of this.runs(options)) runs.push(run);
    return runs;
  }

  /** The store's listing (metadata and events per stream) without reading descriptors: what `ls` prints. */
  summaries(options: RunsOptions = {}): AsyncIterable<RunSummary> {
    checkedCount("offset", options.offset);
    checkedCount("limit", options.limit);
    const sort = toSortKeys(options.sort);
    if (this.readable.enforced) checkedViewKeys("sort", sort?.map((entry) => entry.key) ?? []);
    const storeOptions = { ...this.searchOptions(), offset: options.offset, limit: options.limit, sort };
    // A search with fuzzy parts and no sort of its own lists the closest runs first.
    const fuzzyWords = sort === undefined ? fuzzyWordsIn(this.query) : [];
    const listing =
      fuzzyWords.length > 0
        ? rankedListing(this.store, this.query, fuzzyWords, storeOptions)
        : this.store.runs(this.query, storeOptions);
    return this.readable.enforced ? this.shownSummaries(listing) : listing;
  }

  /**
   * The distinct values of a metadata key over this broker's runs (`descriptors.` keys count each run once),
   * in the query layer's value order; with `counts`, how many runs hold each.
   */
  distinct(key: QueryKey, options: { counts: true }): Promise<DistinctValue[]>;
  distinct(key: QueryKey, options?: { counts?: false }): Promise<QueryValue[]>;
  async distinct(key: QueryKey, options: { counts?: boolean } = {}): Promise<DistinctValue[] | QueryValue[]> {
    if (this.readable.enforced) checkedViewKeys("distinct", [key]);
    const found = await this.store.distinct(key, this.query, this.searchOptions());
    return options.counts ? found : found.map((entry) => entry.value);
  }

  /** The streams and fields of this broker's runs, with their statistics (queries/fieldListing.ts). */
  fields(): Promise<FieldListing[]> {
    return this.store.fields(this.query, this.searchOptions());
  }

  /** The inputs of a derived run's provenance record as this view shows them ([] for a run not derived). */
  async inputsOf(ref: RunRef): Promise<ShownInput[]> {
    return (await this.run(ref)).provenance()?.inputs ?? [];
  }

  /** The runs of this broker derived from the run `ref` (whose records name it as an input), as a search. */
  async derivedFrom(ref: RunRef): Promise<Broker> {
    const { uid } = await this.run(ref);
    return this.search(derivedFromQuery(uid));
  }

  /**
   * The lineage graph around the run `ref`: its inputs, their inputs and so on (`direction: "inputs"`), the
   * runs derived from it and from those (`"derived"`), or both, to `depth` steps (default: all). Runs this
   * view may not read are nodes {inaccessible: true, id} and are never walked through.
   */
  async lineage(ref: RunRef, options: LineageOptions = {}): Promise<LineageGraph> {
    const { uid } = await this.run(ref);
    return lineageOf(uid, this.readable, options);
  }

  [Symbol.asyncIterator](): AsyncIterator<Run> {
    return this.runs()[Symbol.asyncIterator]();
  }

  /** Closes the asset reader it created and, when opened by `Broker.open`, the store. */
  async close(): Promise<void> {
    if (this.owns.assets) await this.assets.close();
    if (this.owns.store) await this.store.close();
  }

  /** What a search starting now passes the store: its deadline, and whose annotations it reads. */
  private searchOptions(): SearchOptions {
    return {
      deadline: this.deadline(),
      readers: this.principal && this.policy?.annotationReaders(this.principal),
      report: this.searchLimits.report,
    };
  }

  /** The deadline of a search starting now: the shared one, else one a budget from now, else none. */
  private deadline(): SearchDeadline | undefined {
    const { deadline, searchBudgetMs } = this.searchLimits;
    return deadline ?? (searchBudgetMs === undefined ? undefined : SearchDeadline.after(searchBudgetMs));
  }

  /**
   * A run of this broker's listing (`summaries`) as a Run: its start as this view shows it, its replayed
   * documents too (what the server's run nodes hold).
   */
  async runOf(summary: RunSummary): Promise<Run> {
    const { stop, streams } = summary;
    const start = await this.readable.shown(summary.start);
    return Run.load(this.store, this.assets, start, { stop, streams }, this.readable);
  }

  /** The listing with each start as this view shows it (provenance inputs it may not read hidden). */
  private async *shownSummaries(listing: AsyncIterable<RunSummary>): AsyncGenerator<RunSummary> {
    for await (const summary of listing)
      yield { ...summary, start: await this.readable.shown(summary.start) };
  }
}
