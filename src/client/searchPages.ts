// A search of a databroker (Tiled-compatible) server, page after page: Tiled's filter[...] parameters for the
// query, its sort parameter for the order, the server's `next` links. The remote broker and the remote catalog
// (storage/remote) both list runs with it.
import { toSortKeys } from "../broker/sortKeys.ts";
import type { RunsOptions } from "../catalog/RunsOptions.ts";
import type { SortKey } from "../catalog/SortKey.ts";
import { fuzzyWordsIn } from "../queries/fuzzyRank.ts";
import type { Query, QueryKey } from "../queries/Query.ts";
import { queryToTiledParams } from "../queries/tiledParams.ts";
import type { HttpSession, Params } from "./HttpSession.ts";
import type { RunMetadata } from "./RemoteRun.ts";

/** The server's largest page (page[limit]). */
export const MAX_PAGE = 300;

/** A run's metadata as a search lists it: start, stop and the events of each stream. */
export interface ListedRun extends RunMetadata {
  summary?: { events?: Record<string, number> };
}

export interface SearchPage {
  data: Array<{ id: string; attributes: { metadata?: ListedRun } }>;
  links: { next: string | null };
  meta: { count: number };
}

/** A metadata key as Tiled names it (`start.` added where needed), by the query layer's own rule. */
export function tiledKeyOf(key: QueryKey): string {
  return queryToTiledParams({ op: "keyPresent", key })[0][1];
}

function sortParams(sort: SortKey[] | undefined, query: Query): Params {
  // A fuzzy search unsorted: none, so the server lists closest first, as the local Broker does.
  if (sort === undefined && fuzzyWordsIn(query).length > 0) return [];
  // Newest first, as the local Broker lists (the server's own default is oldest first).
  const keys = sort ?? [{ key: "time", direction: "desc" }];
  return keys.map(({ key, direction }) => ["sort", `${direction === "desc" ? "-" : ""}${tiledKeyOf(key)}`]);
}

/** How many runs of `query` the server lists. */
export async function searchCount(session: HttpSession, query: Query): Promise<number> {
  const page = await session.json<SearchPage>(
    session.url("search", [], [...queryToTiledParams(query), ["fields", "count"]]),
  );
  return page.meta.count;
}

/** The runs' metadata, one server page after another until `limit` runs or the last page. */
export async function* searchPages(
  session: HttpSession,
  query: Query,
  options: RunsOptions,
  pageSize = MAX_PAGE,
): AsyncGenerator<ListedRun> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const params: Params = [
    ...queryToTiledParams(query),
    ...sortParams(toSortKeys(options.sort), query),
    ["fields", "metadata"],
    ["page[offset]", String(options.offset ?? 0)],
    ["page[limit]", String(Math.min(limit, pageSize))],
  ];
  let url: string | null = session.url("search", [], params);
  let yielded = 0;
  // The first page is always asked for: the server judges the offset and limit (422 when invalid).
  do {
    const page: SearchPage = await session.json<SearchPage>(url);
    for (const item of page.data) {
      if (yielded >= limit) return;
      if (item.attributes.metadata) yield item.attributes.metadata;
      yielded++;
    }
    url = page.links.next;
  } while (url !== null && yielded < limit);
}
