// A catalog (spec CatalogOfBlueskyRuns "1"), at the root or under its name (CatalogTree.ts): runs keyed by
// start uid, searched with queries, sorted by start time by default. Its contents are never inlined (the client would then count them instead of searching).
import { didYouMean, type Suggestion } from "../../broker/didYouMean.ts";
import type { Broker } from "../../broker/index.ts";
import type { SortKey } from "../../catalog/SortKey.ts";
import { NotFoundError } from "../../errors.ts";
import type { Query } from "../../queries/Query.ts";
import { CATALOG_SORTING } from "../metadataKeys.ts";
import type { ContainerNode, Sorting, Spec } from "./Node.ts";
import { RunNode } from "./RunNode.ts";

export interface RunPage {
  offset: number;
  limit: number;
  /** None: the broker's default order (closest first for a fuzzy search, else newest first). */
  sort?: SortKey[];
}

export class CatalogNode implements ContainerNode {
  readonly family = "container";
  readonly specs: Spec[] = [{ name: "CatalogOfBlueskyRuns", version: "1" }];
  readonly sorting: Sorting[] = CATALOG_SORTING.map((entry) => ({ ...entry }));

  constructor(
    /** The catalog as the caller sees it. */
    readonly broker: Broker,
    /** `[]` at the root, `[name]` for a named catalog. */
    readonly path: readonly string[] = [],
  ) {}

  metadata(): Record<string, unknown> {
    return {};
  }

  count(query?: Query): Promise<number> {
    return (query ? this.broker.search(query) : this.broker).count();
  }

  /** One page of the runs matching `query`. */
  async search(query: Query, page: RunPage): Promise<RunNode[]> {
    const summaries = [];
    for await (const summary of this.broker.search(query).summaries(page)) summaries.push(summary);
    // Each run's annotations at once: a page waits for the slowest list, not for their sum.
    return Promise.all(summaries.map((summary) => RunNode.of(this.broker, summary, this.path)));
  }

  /** A close value for a search of this catalog that found nothing (broker/didYouMean.ts). */
  didYouMean(query: Query): Promise<Suggestion | undefined> {
    return didYouMean(this.broker, query);
  }

  async keys(): Promise<string[]> {
    const uids: string[] = [];
    for await (const summary of this.broker.summaries({ sort: [{ key: "time", direction: "asc" }] }))
      uids.push(summary.uid);
    return uids;
  }

  /** The run whose start uid is exactly `key` (prefixes are the search's business, not the path's). */
  async child(key: string): Promise<RunNode> {
    for await (const summary of this.broker
      .search({ op: "eq", key: "uid", value: key })
      .summaries({ limit: 1 }))
      return RunNode.of(this.broker, summary, this.path);
    throw new NotFoundError(`No such entry: ${key}`);
  }
}
