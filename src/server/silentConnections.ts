// On close, connections that never sent a whole request are closed at once. Node's closeIdleConnections (what
// fastify calls on close) only closes connections idle between requests: a client that connects ahead of a
// request it then never sends (undici does after an aborted download, browsers preconnect) would hold the
// server's close until Node's headers timeout, about a minute after SIGTERM.
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";

export function closeSilentConnectionsOnClose(app: FastifyInstance): void {
  const silent = new Set<Socket>();
  app.server.on("connection", (socket: Socket) => {
    silent.add(socket);
    socket.once("close", () => silent.delete(socket));
  });
  // Not the socket's data events: the HTTP parser may read the socket's handle directly.
  app.server.on("request", (request: IncomingMessage) => silent.delete(request.socket));
  app.addHook("preClose", (done) => {
    for (const socket of silent) socket.destroy();
    silent.clear();
    done();
  });
}
