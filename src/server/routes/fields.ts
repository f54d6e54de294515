// GET /api/v1/fields?filter[...]: the streams and fields of the runs the caller may see that match the filters
// (the search route's filters, query language included), each with runs, events, overall min and max, shape
// when the runs agree and runs not indexed yet: {fields: FieldListing[]} (queries/fieldListing.ts).
import type { FastifyInstance } from "fastify";
import { queryFromTiledParams } from "../../queries/index.ts";
import { partialAnswer } from "../federationReports.ts";
import { exactNumbersAsked, sendJson } from "../json.ts";
import { paramsOf } from "../requestParams.ts";
import { namedCatalogOf, type ReadRoutesOptions } from "./reply.ts";

export async function fieldsRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  app.get("/api/v1/fields", async (request, reply) => {
    const catalog = namedCatalogOf(request, options.catalogs).search(queryFromTiledParams(paramsOf(request)));
    const fields = await catalog.fields();
    return sendJson(reply, { fields, ...partialAnswer(request) }, exactNumbersAsked(request));
  });
}
