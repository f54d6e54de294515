// A LiveChannel over Server-Sent Events: the response is taken over from fastify (no compression, which
// would hold messages back, and no content length) and written as `id:`/`event:`/`data:` blocks. A comment
// line every heartbeat keeps proxies and the socket timeout from closing a quiet stream; a client that stops
// reading (no byte moves for idleMs, heartbeats included) is disconnected.
import type { FastifyReply } from "fastify";
import { HEARTBEAT_MS, type LiveChannel, type LiveMessage } from "./LiveChannel.ts";

/** Waits until `drained` fires, or the channel is aborted. */
export function whenWritable(
  target: NodeJS.EventEmitter,
  drained: string,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      target.off(drained, done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    target.on(drained, done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Opens the event stream on `reply` (status 200 and headers sent at once). */
export function sseChannel(reply: FastifyReply, heartbeatMs = HEARTBEAT_MS, idleMs?: number): LiveChannel {
  const response = reply.raw;
  if (idleMs !== undefined) reply.request.raw.socket?.setTimeout(idleMs);
  const aborted = new AbortController();
  reply.hijack();
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    "x-accel-buffering": "no",
    "x-request-id": String(reply.request.id),
  });
  // How long a browser's EventSource waits before it reconnects (sending Last-Event-ID).
  response.write("retry: 1000\n\n");
  const heartbeat = setInterval(() => {
    if (response.writableLength === 0) response.write(": keep-alive\n\n");
  }, heartbeatMs);
  const close = () => {
    clearInterval(heartbeat);
    aborted.abort();
  };
  response.on("close", close);
  return {
    signal: aborted.signal,
    async send({ event, id, data }: LiveMessage): Promise<void> {
      if (aborted.signal.aborted) return;
      const block = `${id === undefined ? "" : `id: ${id}\n`}${event === "document" ? "" : `event: ${event}\n`}data: ${data}\n\n`;
      if (!response.write(block)) await whenWritable(response, "drain", aborted.signal);
    },
    end(): void {
      close();
      response.end();
    },
  };
}
