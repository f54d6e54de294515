// The body of a metadata or search answer: msgpack when the client asks for it (the Python client sends
// `Accept: application/x-msgpack`, and Tiled answers msgpack then), JSON otherwise; whole floats stay floats
// in both (floatMarks.ts).
import type { FastifyReply, FastifyRequest } from "fastify";
import { MsgpackEncoder } from "../documents/formats/MsgpackEncoder.ts";
import { NotAcceptableError } from "./errors.ts";
import { exactNumbersAsked, sendJson } from "./json.ts";
import { FormatRegistry } from "./serializers.ts";

const MSGPACK = "application/x-msgpack";

/** The media types of the answer, JSON first: the default, and what any other Accept is given. */
const envelopeTypes = new FormatRegistry<unknown>("metadata", [
  { mediaType: "application/json", aliases: ["json"], write: () => "" },
  { mediaType: MSGPACK, aliases: ["msgpack"], write: () => "" },
]);

function msgpackAsked(request: FastifyRequest): boolean {
  try {
    return envelopeTypes.choose(undefined, request.headers.accept).mediaType === MSGPACK;
  } catch (error) {
    // Metadata has always been answered as JSON whatever the Accept (browsers ask for text/html).
    if (error instanceof NotAcceptableError) return false;
    throw error;
  }
}

export function sendMetadata(request: FastifyRequest, reply: FastifyReply, body: unknown): FastifyReply {
  if (!msgpackAsked(request)) return sendJson(reply, body, exactNumbersAsked(request));
  const encoder = new MsgpackEncoder();
  encoder.encode(body);
  // A Buffer: the type stays exactly `application/x-msgpack`, which the Python client compares.
  return reply.type(MSGPACK).send(encoder.take());
}
