// GET /api/v1/search/{path}: a page of a container's children as `{data, error, links: {self, first, next},
// meta: {count, did_you_mean?, federation?}}` (federation: a federation's failed sources, federationReports.ts). On the catalog: every filter type, sort, page[offset|limit|cursor], `fields=count`
// exact, a suggestion when nothing matched; inner containers list their few children (only the `lookup` filter
// applies there).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Suggestion } from "../../broker/didYouMean.ts";
import { fuzzyWordsIn } from "../../queries/fuzzyRank.ts";
import { queryFromTiledParams } from "../../queries/index.ts";
import { BadRequestError } from "../errors.ts";
import { partialAnswer } from "../federationReports.ts";
import { Links } from "../links.ts";
import { runSortOf } from "../metadataKeys.ts";
import { CatalogNode } from "../nodes/CatalogNode.ts";
import { type Item, itemOf } from "../nodes/item.ts";
import type { ContainerNode } from "../nodes/Node.ts";
import { fieldsOf, nodePathOf, type PageRequest, pageOf, paramsOf } from "../requestParams.ts";
import { sendMetadata } from "../sendMetadata.ts";
import { nodeOf, type ReadRoutesOptions, wrongFamily } from "./reply.ts";

const FILTER_NAME = /^filter\[([^\]]+)\]/;

/** The same search from another offset: every parameter kept but the page ones. */
function pageUrl(
  links: Links,
  path: string[],
  params: URLSearchParams,
  offset: number,
  limit: number,
): string {
  const kept = [...params].filter(([name]) => !name.startsWith("page["));
  kept.push(["page[offset]", String(offset)], ["page[limit]", String(limit)]);
  const query = kept.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `${links.route("search", path)}?${query.join("&")}`;
}

interface Listing {
  items: Item[];
  count: number;
  /** For a catalog search that found nothing: a close value that would find runs (broker/didYouMean.ts). */
  suggestion?: Suggestion;
}

async function catalogListing(
  node: CatalogNode,
  params: URLSearchParams,
  page: PageRequest,
  links: Links,
  fields: Set<string> | undefined,
  countOnly: boolean,
): Promise<Listing> {
  const query = queryFromTiledParams(params);
  const sorts = params.getAll("sort");
  // Without a sort asked, a fuzzy search keeps the broker's closest-first order; any other, Tiled's default.
  const unsorted = sorts.every((text) => text.trim() === "");
  const sort = unsorted && fuzzyWordsIn(query).length > 0 ? undefined : runSortOf(sorts);
  const count = await node.count(query);
  if (countOnly) return { items: [], count };
  const runs = await node.search(query, { ...page, sort });
  const suggestion = count === 0 ? await node.didYouMean(query) : undefined;
  return { items: await Promise.all(runs.map((run) => itemOf(run, links, fields))), count, suggestion };
}

async function childListing(
  node: ContainerNode,
  params: URLSearchParams,
  page: PageRequest,
  links: Links,
  fields: Set<string> | undefined,
  countOnly: boolean,
): Promise<Listing> {
  const lookups: string[] = [];
  for (const [name, value] of params) {
    const filter = FILTER_NAME.exec(name)?.[1];
    if (filter === undefined) continue;
    if (filter !== "lookup")
      throw new BadRequestError(`The query type '${filter}' is not supported on this node.`);
    lookups.push(value);
  }
  const keys = (await node.keys()).filter((key) => lookups.every((wanted) => wanted === key));
  if (countOnly) return { items: [], count: keys.length };
  const children = await Promise.all(
    keys.slice(page.offset, page.offset + page.limit).map((key) => node.child(key)),
  );
  return {
    items: await Promise.all(children.map((child) => itemOf(child, links, fields))),
    count: keys.length,
  };
}

export async function searchRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const node = await nodeOf(request, options.catalogs, "search");
    if (node.family !== "container") throw wrongFamily(node, "/search");
    const params = paramsOf(request);
    const links = Links.of(request);
    const page = pageOf(params);
    const fields = fieldsOf(params);
    // `fields=count`: the exact count and no items (what `len()` and `c[1234]` ask).
    const countOnly = fields !== undefined && fields.size === 1 && fields.has("count");
    const listing =
      node instanceof CatalogNode
        ? await catalogListing(node, params, page, links, fields, countOnly)
        : await childListing(node, params, page, links, fields, countOnly);
    const path = nodePathOf(request, "search");
    const end = page.offset + listing.items.length;
    // `next` is null on the last page: a non-null next on an empty page makes the client loop forever.
    const next =
      !countOnly && listing.items.length > 0 && end < listing.count
        ? pageUrl(links, path, params, end, page.limit)
        : null;
    const body = {
      data: listing.items,
      error: null,
      links: {
        self: `${links.base}${request.raw.url}`,
        first: pageUrl(links, path, params, 0, page.limit),
        next,
      },
      meta: {
        count: listing.count,
        ...(listing.suggestion && { did_you_mean: listing.suggestion }),
        ...partialAnswer(request),
      },
    };
    return sendMetadata(request, reply, body);
  };
  app.get("/api/v1/search", handler);
  app.get("/api/v1/search/*", handler);
}
