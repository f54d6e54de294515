// GET /api/v1/documents/{uid}?fill=false: a run's documents as json-seq (what `run.documents()` of the v2
// client streams). With fill=true, external data is read into the events; the first filled event is read
// before the headers go, so its errors are proper 4xx answers. Datums go out as datum_pages (the Python
// client takes no plain datum); databroker's own `raw=true`, which only our client sends, keeps them as stored.
import type { FastifyInstance } from "fastify";
import { booleanOf, paramsOf } from "../requestParams.ts";
import { documentsJsonSeq } from "../writers/documentsWriter.ts";
import { primedDocuments } from "../writers/primedDocuments.ts";
import { pathRunOf, type ReadRoutesOptions, sendBody } from "./reply.ts";

export async function runDocumentsRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  app.get("/api/v1/documents/*", async (request, reply) => {
    // Exactly this uid among the runs the caller may see.
    const { run } = await pathRunOf(request, options.catalogs, "documents");
    const params = paramsOf(request);
    const fill = booleanOf(params, "fill", false);
    const datumForm = booleanOf(params, "raw", false) ? "stored" : "paged";
    const documents = fill ? await primedDocuments(run.documents({ fill })) : run.documents({ fill });
    return sendBody(request, reply, "application/json-seq", documentsJsonSeq(documents, datumForm));
  });
}
