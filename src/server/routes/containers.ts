// /api/v1/container/full/{path} (GET, or POST with a JSON list of fields): a dataset as one table (the
// client's wide-table fetch, `?format=...arrow.file&field=time`, and `.export('x.csv')`); a run as its
// documents (json-seq) or a JSON tree; other containers as a JSON tree of metadata.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { localExternalFiles } from "../../exports/localExternalFiles.ts";
import { RunNode } from "../nodes/RunNode.ts";
import { listOf, paramsOf } from "../requestParams.ts";
import { containerFormats, runFormats, type ServedRun, tableFormats } from "../serializers.ts";
import { nodeOf, type ReadRoutesOptions, sendBody, wrongFamily } from "./reply.ts";
import { namesInBody } from "./tables.ts";

export async function containerRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const node = await nodeOf(request, options.catalogs, "container/full");
    if (node.family !== "container") throw wrongFamily(node, "/container/full");
    const params = paramsOf(request);
    const requested = params.get("format");
    const accept = request.headers.accept;
    if (node.table) {
      const format = tableFormats.choose(requested, accept);
      const fields = namesInBody(request.body) ?? listOf(params, "field");
      return sendBody(request, reply, format.mediaType, format.write(await node.table(fields)));
    }
    if (node instanceof RunNode) {
      const served: ServedRun = {
        node,
        documents: () => node.documents(),
        run: () => node.run(),
        exportSettings: { options: {}, externalFiles: localExternalFiles(node.broker) },
      };
      const format = runFormats.choose(requested, accept);
      const fileName = async () => format.fileName?.(served);
      return sendBody(request, reply, format.contentType ?? format.mediaType, format.write(served), fileName);
    }
    const format = containerFormats.choose(requested, accept);
    return sendBody(request, reply, format.mediaType, format.write(node));
  };
  app.get("/api/v1/container/full", handler);
  app.get("/api/v1/container/full/*", handler);
  app.post("/api/v1/container/full/*", handler);
}
