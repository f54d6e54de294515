// JSON bodies of the API: exactly `application/json` (the Python client compares it), standard JSON text
// (NaN and ±Infinity as null, 64-bit integers as numbers) so browsers and JSON.parse read it too; or, when
// databroker's own `numbers=exact` asks, every number exact (for our client's start/stop/descriptors).
import type { FastifyReply, FastifyRequest } from "fastify";
import { stringifyJson } from "../documents/formats/index.ts";
import { stringifyStandardJson } from "../documents/formats/jsonText.ts";
import { jsonSafe } from "../tables/jsonColumns.ts";
import { paramsOf } from "./requestParams.ts";

function jsonable(value: unknown): unknown {
  return typeof value === "bigint" || ArrayBuffer.isView(value) ? jsonSafe(value) : value;
}

/** Standard JSON text of `body`; whole numbers marked as floats (floatMarks.ts) are written 1.0. */
export function jsonText(body: unknown): string {
  return stringifyStandardJson(body, jsonable);
}

/**
 * Whether the request sent `numbers=exact` (the Python client and browsers never do): NaN, ±Infinity and -0
 * are then written as Python's json module writes them (NaN, Infinity, -0.0), which our client reads back.
 */
export function exactNumbersAsked(request: FastifyRequest): boolean {
  return paramsOf(request).get("numbers") === "exact";
}

export function sendJson(reply: FastifyReply, body: unknown, exactNumbers = false): FastifyReply {
  const text = exactNumbers ? stringifyJson(body) : jsonText(body);
  // A Buffer, not a string: fastify would append `; charset=utf-8` to a string's type.
  return reply.type("application/json").send(Buffer.from(text));
}
