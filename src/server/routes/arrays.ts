// GET /api/v1/array/full/{path} and /api/v1/array/block/{path}: one variable's values, numpy-style `slice`,
// `expected_shape` checked (422 on a mismatch), raw little-endian bytes by default, JSON or CSV on request.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ValidationError } from "../../errors.ts";
import { elementCount } from "../../tables/NDArray.ts";
import { parseSelectors, slice } from "../../tables/slice.ts";
import { BadRequestError } from "../errors.ts";
import type { ArrayStructure } from "../nodes/arrayStructure.ts";
import type { ArrayNode } from "../nodes/Node.ts";
import { booleanOf, expectedShapeOf, paramsOf, seqRangeOf } from "../requestParams.ts";
import { arrayFormats } from "../serializers.ts";
import { nodeOf, type ReadRoutesOptions, sendBody, wrongFamily } from "./reply.ts";

/** Tiled's response_bytesize_limit: larger answers ask the caller to slice. */
export const RESPONSE_BYTE_LIMIT = 300 * 1024 * 1024;

function checkShape(expected: number[] | undefined, actual: readonly number[]): void {
  if (expected === undefined) return;
  if (expected.length !== actual.length || expected.some((n, axis) => n !== actual[axis]))
    throw new ValidationError(
      `expected_shape [${expected.join(", ")}] does not match the array's shape [${actual.join(", ")}]`,
    );
}

/** `block=i,j`: one index per dimension, each within that dimension's chunks (422 otherwise). */
function checkBlock(text: string | null, structure: ArrayStructure): void {
  if (text === null)
    throw new ValidationError("block is required: one chunk index per dimension, e.g. block=0,0");
  const indices = text === "" ? [] : text.split(",").map(Number);
  if (
    indices.length !== structure.chunks.length ||
    indices.some((i, axis) => !Number.isInteger(i) || i < 0 || i >= structure.chunks[axis].length)
  )
    throw new ValidationError(
      `block ${JSON.stringify(text)} is not a block of chunks ${JSON.stringify(structure.chunks)}`,
    );
}

async function arrayNodeOf(
  request: FastifyRequest,
  options: ReadRoutesOptions,
  route: string,
): Promise<ArrayNode> {
  const node = await nodeOf(request, options.catalogs, route);
  if (node.family !== "array") throw wrongFamily(node, `/${route}`);
  return node;
}

async function sendArray(request: FastifyRequest, reply: FastifyReply, node: ArrayNode, checkFirst: boolean) {
  const params = paramsOf(request);
  const format = arrayFormats.choose(params.get("format"), request.headers.accept);
  const structure = await node.structure();
  if (
    elementCount(structure.shape) * structure.data_type.itemsize > RESPONSE_BYTE_LIMIT &&
    !params.get("slice")
  )
    throw new BadRequestError(`the array is larger than ${RESPONSE_BYTE_LIMIT} bytes: use slicing`);
  const selectors = params.get("slice") ? parseSelectors(params.get("slice") ?? "") : [];
  const expected = expectedShapeOf(params);
  if (checkFirst && selectors.length === 0) checkShape(expected, structure.shape);
  const served = await node.read({ seq: seqRangeOf(params), fill: booleanOf(params, "fill", true) });
  const array = selectors.length > 0 ? slice(served.array, ...selectors) : served.array;
  checkShape(expected, array.shape);
  return sendBody(request, reply, format.mediaType, format.write({ array, dataType: served.dataType }));
}

export async function arrayRoutes(app: FastifyInstance, options: ReadRoutesOptions): Promise<void> {
  app.get("/api/v1/array/full/*", async (request, reply) =>
    sendArray(request, reply, await arrayNodeOf(request, options, "array/full"), false),
  );
  // Every array is one block (one chunk per dimension): a block is the whole array, sliced within.
  app.get("/api/v1/array/block/*", async (request, reply) => {
    const node = await arrayNodeOf(request, options, "array/block");
    checkBlock(paramsOf(request).get("block"), await node.structure());
    return sendArray(request, reply, node, true);
  });
}
