// The answer to a request Node's parser refused before any route saw it (headers or URL over the size limit,
// a malformed request line, a client that sent nothing in time). Fastify's default answer carries a JSON body
// whatever the method, so a HEAD request got one and its client read those bytes as the next response.
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";

interface ClientError extends Error {
  code?: string;
  /** The bytes being parsed when the parser failed (Node sets a Buffer for parse errors). */
  rawPacket?: unknown;
}

const REASONS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, "the request was not received in time"],
  HPE_HEADER_OVERFLOW: [431, "the request's URL and headers exceed the size limit"],
};

/** Methods whose answers carry a body: one is sent only after a request line seen to start with one. */
const BODY_METHOD = /^(GET|POST|PUT|DELETE|PATCH|OPTIONS) /;

/** Fastify's `clientErrorHandler`: the status and, unless the request may be a HEAD, a `{detail}` body. */
export function answerClientError(error: ClientError, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, detail] = REASONS[error.code ?? ""] ?? [400, "the request could not be parsed"];
  const packet = error.rawPacket;
  const withBody = Buffer.isBuffer(packet) && BODY_METHOD.test(packet.subarray(0, 8).toString("latin1"));
  const body = withBody ? JSON.stringify({ detail }) : "";
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `${withBody ? "Content-Type: application/json\r\n" : ""}\r\n${body}`,
    );
  socket.destroy(error);
}
