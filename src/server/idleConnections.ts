// How long the server waits on a client's socket. Before a request's headers, between requests and while an
// answer is being sent, a socket on which no byte moves for `idleMs` is closed (a client that connects and
// says nothing, or stops reading a streamed answer, holds nothing for long). While a request is being worked
// on the socket may rest: that wait is the server's own (a large put, a long read), and an upload's body has
// its own idle limit (ingest/BodySpool.ts).
import type { FastifyInstance } from "fastify";

/** Registers the hooks; the server's own socket timeout (fastify's `connectionTimeout`) must be `idleMs`. */
export function closeIdleConnections(app: FastifyInstance, idleMs: number): void {
  app.addHook("onRequest", async (request) => {
    request.raw.socket.setTimeout(0);
  });
  app.addHook("onSend", async (request, _reply, payload) => {
    request.raw.socket.setTimeout(idleMs);
    return payload;
  });
}
