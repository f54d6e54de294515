// Every request gets a random id, sent back in `X-Request-ID` on every answer and logged with any internal
// error, so a user who reports a 500 can quote the id and the operator find the error in the log.
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";

export const REQUEST_ID_HEADER = "x-request-id";

/** fastify's id generator: random, so ids never repeat across restarts (fastify's own count from 1). */
export function newRequestId(): string {
  return randomUUID();
}

/** Sends each request's id in its answer's headers, errors included. */
export function sendRequestIds(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
