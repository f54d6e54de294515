// JSON bodies of the API: exactly `application/json` (the Python client compares it), standard JSON text
// (NaN and ±Infinity as null, 64-bit integers as numbers) so browsers and JSON.parse read it too.
import type { FastifyReply } from "fastify";
import { jsonSafe } from "../tables/jsonColumns.ts";

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" || ArrayBuffer.isView(value) ? jsonSafe(value) : value;
}

export function jsonText(body: unknown): string {
  return JSON.stringify(body, replacer);
}

export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  // A Buffer, not a string: fastify would append `; charset=utf-8` to a string's type.
  return reply.type("application/json").send(Buffer.from(jsonText(body)));
}
