// How long the server waits on a client's socket. Before a request's headers, between requests and while an
// answer is being sent, a socket on which no byte moves for `idleMs` is closed (a client that connects and
// says nothing, or stops reading a streamed answer, holds nothing for long). While a request is being worked
// on the socket may rest: that wait is the server's own (a large put, a long read), and an upload's body has
// its own idle limit (ingest/BodySpool.ts).
import type { Socket } from "node:net";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** Registers the hooks; the server's own socket timeout (fastify's `connectionTimeout`) must be `idleMs`. */
export function closeIdleConnections(app: FastifyInstance, idleMs: number): void {
  app.addHook("onRequest", async (request) => {
    socketOf(request)?.setTimeout(0);
  });
  app.addHook("onSend", async (request, _reply, payload) => {
    socketOf(request)?.setTimeout(idleMs);
    return payload;
  });
}

/** The request's socket; none for requests injected in process (`app.inject`), which have no connection. */
function socketOf(request: FastifyRequest): Socket | undefined {
  const socket = request.raw.socket as Socket | undefined;
  return typeof socket?.setTimeout === "function" ? socket : undefined;
}
