// HTTP errors in one place: the product's typed errors (src/errors.ts) and the few the HTTP layer adds become
// a status and a JSON object body `{"detail": ...}` as Tiled (FastAPI) answers; the Python client reads it.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DatabrokerError, UnsupportedError, ValidationError } from "../errors.ts";
import { sendJson } from "./json.ts";

/** A request the server understands but refuses as malformed: 400 (Tiled's choice for these cases). */
export class BadRequestError extends ValidationError {}

/** No serializer for what the caller accepts: 406 naming the media types this node offers. */
export class NotAcceptableError extends UnsupportedError {
  readonly supported: string[];
  constructor(message: string, supported: string[]) {
    super(`${message}; supported: ${supported.join(", ")}`);
    this.supported = supported;
  }
}

/** A request body that stopped arriving: 408, and the connection is closed. */
export class RequestTimeoutError extends ValidationError {}

/** The route exists but not for this kind of node: 405. */
export class MethodNotAllowedError extends UnsupportedError {}

/** The status of a product error (subclasses of the HTTP layer first). */
export function statusOf(error: DatabrokerError): number {
  if (error instanceof BadRequestError) return 400;
  if (error instanceof RequestTimeoutError) return 408;
  if (error instanceof NotAcceptableError) return 406;
  if (error instanceof MethodNotAllowedError) return 405;
  switch (error.code) {
    case "validation":
      return 422;
    case "not_found":
      return 404;
    case "conflict":
      return 409;
    case "unauthorized":
      return 401;
    case "forbidden":
      return 403;
    case "unsupported":
      // A query type, format or feature this server does not offer for the request.
      return 400;
    case "unreadable":
      return 400;
    case "timeout":
      // The server's limit, not the request's fault: it may pass on a quieter server or a narrower query.
      return 503;
  }
}

/** The body of an error: `detail` always; validation findings when there are any. */
function bodyOf(error: DatabrokerError): Record<string, unknown> {
  const body: Record<string, unknown> = { detail: error.message };
  if (error instanceof ValidationError && error.findings.length > 0) body.findings = error.findings;
  if (error instanceof NotAcceptableError) body.supported = error.supported;
  return body;
}

/** fastify's error handler: product errors by their code, fastify's own (body parsing...) by their status. */
export function replyWithError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  // A body stream that failed before its headers went out left the compressor's header on the reply: the
  // error body is new and is encoded (or not) afresh.
  reply.removeHeader("content-encoding");
  if (error instanceof DatabrokerError) {
    const status = statusOf(error);
    if (status === 401) reply.header("WWW-Authenticate", 'Apikey realm="databroker"');
    return sendJson(reply.code(status), bodyOf(error));
  }
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return sendJson(reply.code(status), { detail: error.message });
  }
  request.log.error(error);
  return sendJson(reply.code(500), { detail: `internal error: ${error.message}` });
}
