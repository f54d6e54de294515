// /api/v1/table/full/{path} and /api/v1/table/partition/{path} (GET, or POST with a JSON list of columns):
// the tabular nodes — datasets (a stream's data or timestamps, a device's configuration) — as Arrow IPC
// file, CSV or JSON columns. Each is one partition; `time` always comes first. Databroker's own `seq`,
// `fill`, `limit` and `include=seq_num` (never sent by the Python client) serve our client's row reads; `align`
// (with `method`, `tolerance`, `prefix`) adds another stream's fields aligned onto a stream's data, and
// `resample` or `bin_by`/`bins` (with `agg`) reduce the rows per bin.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ValidationError } from "../../errors.ts";
import { Aligner } from "../../muxing/align.ts";
import { bin } from "../../muxing/bin.ts";
import type { Table } from "../../tables/Table.ts";
import { type AlignRequest, alignOf } from "../alignParams.ts";
import { binOf } from "../binParams.ts";
import { BadRequestError } from "../errors.ts";
import type { ContainerNode } from "../nodes/Node.ts";
import { resolveNode } from "../nodes/resolveNode.ts";
import { booleanOf, includesSeqNum, listOf, paramsOf, rowLimitOf, seqRangeOf } from "../requestParams.ts";
import { tableFormats } from "../serializers.ts";
import { nodeOf, type ReadRoutesOptions, requestCatalog, sendBody, wrongFamily } from "./reply.ts";

/** Names sent as a POST body: a JSON list of strings (what the client sends for long lists). */
export function namesInBody(body: unknown): string[] | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  if (!Array.isArray(body) || !body.every((name) => typeof name === "string"))
    throw new ValidationError("the body must be a JSON list of names");
  return body;
}

/** `column` (Tiled's name) or the deprecated `field`; both at once is a 400 as in Tiled. */
function columnsOf(request: FastifyRequest): string[] | undefined {
  const params = paramsOf(request);
  const columns = listOf(params, "column");
  const fields = listOf(params, "field");
  if (columns.length > 0 && fields.length > 0) throw new BadRequestError("send column or field, not both");
  const named = columns.length > 0 ? columns : fields;
  return namesInBody(request.body) ?? (named.length > 0 ? named : undefined);
}

async function tabularNodeOf(request: FastifyRequest, options: ReadRoutesOptions, route: string) {
  const node = await nodeOf(request, options.catalogs, route);
  if (node.family !== "container" || node.table === undefined) throw wrongFamily(node, `/${route}`);
  return node as TabularNode;
}

type TabularNode = ContainerNode & Required<Pick<ContainerNode, "table">>;

/**
 * `table` with the other stream's fields aligned onto it: only a stream's `data` (…/<run>/<stream>/data)
 * aligns, onto the same run's `<align>/data`, resolved as the caller may see it (a hidden run stays a 404).
 */
async function aligned(
  request: FastifyRequest,
  options: ReadRoutesOptions,
  node: TabularNode,
  table: Table,
  align: AlignRequest,
): Promise<Table> {
  const path = node.path;
  const otherPath = [...path.slice(0, -2), align.stream, "data"];
  const other = await resolveNode(options.catalogs, otherPath, (broker) => requestCatalog(request, broker));
  if (other.family !== "container" || other.table === undefined) throw wrongFamily(other, "align");
  const fill = booleanOf(paramsOf(request), "fill", true);
  const otherTable = await other.table(undefined, { fill });
  return new Aligner(otherTable, { ...align, prefix: align.prefix ?? align.stream }).apply(table);
}

/** Refused before anything is read: only a stream's data aligns. */
function checkAlignable(node: TabularNode): void {
  const path = node.path;
  if (path.length < 3 || path.at(-1) !== "data")
    throw new BadRequestError(
      `align applies to a stream's data (<run>/<stream>/data), not /${path.join("/")}`,
    );
}

async function sendTable(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ReadRoutesOptions,
  node: TabularNode,
) {
  const params = paramsOf(request);
  const format = tableFormats.choose(params.get("format"), request.headers.accept);
  const selection = {
    seq: seqRangeOf(params),
    fill: booleanOf(params, "fill", true),
    limit: rowLimitOf(params),
    withSeqNum: includesSeqNum(params),
  };
  const align = alignOf(params);
  if (align) checkAlignable(node);
  const binning = binOf(params);
  let table = await node.table(columnsOf(request), selection);
  if (align) table = await aligned(request, options, node, table, align);
  if (binning) {
    for (const axis of binning.axes)
      if (!table.columnNames.includes(axis.field))
        throw new BadRequestError(
          `bin_by ${axis.field} is not a column of this table: ${table.columnNames.join(", ")}`,
        );
    table = bin(table, binning.axes, { agg: binning.agg });
  }
  return sendBody(request, reply, format.mediaType, format.write(table));
}

export async function tableRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  const full = async (request: FastifyRequest, reply: FastifyReply) =>
    sendTable(request, reply, options, await tabularNodeOf(request, options, "table/full"));
  const partition = async (request: FastifyRequest, reply: FastifyReply) => {
    const node = await tabularNodeOf(request, options, "table/partition");
    const text = paramsOf(request).get("partition");
    if (text === null || text === "")
      throw new ValidationError("partition is required (this table has 1: partition=0)");
    if (text !== "0")
      throw new ValidationError(`partition ${JSON.stringify(text)} is out of range: this table has 1`);
    return sendTable(request, reply, options, node);
  };
  app.get("/api/v1/table/full/*", full);
  app.post("/api/v1/table/full/*", full);
  app.get("/api/v1/table/partition/*", partition);
  app.post("/api/v1/table/partition/*", partition);
}
