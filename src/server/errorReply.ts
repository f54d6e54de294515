// fastify's error handler: an error becomes a status (errors.ts) and a JSON object body `{"detail": ...}` as
// Tiled (FastAPI) answers; the Python client reads it.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DatabrokerError, ValidationError } from "../errors.ts";
import { NotAcceptableError, statusOf } from "./errors.ts";
import { sendJson } from "./json.ts";

/** The body of an error: `detail` always; validation findings when there are any. */
export function bodyOf(error: DatabrokerError): Record<string, unknown> {
  const body: Record<string, unknown> = { detail: error.message };
  if (error instanceof ValidationError && error.findings.length > 0) body.findings = error.findings;
  if (error instanceof NotAcceptableError) body.supported = error.supported;
  return body;
}

/** Logs a bug with its request id: to fastify's logger, or to stderr when the server runs without one. */
function logInternalError(request: FastifyRequest, error: Error): void {
  const log = request.log as FastifyRequest["log"] & { isLevelEnabled?: (level: string) => boolean };
  if (log.isLevelEnabled?.("error")) log.error({ err: error, requestId: request.id }, "internal error");
  else console.error(`databroker: internal error, request id ${request.id}:`, error);
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
  // A bug: its message may hold paths or data, so the client gets only the id the log files it under.
  logInternalError(request, error);
  return sendJson(reply.code(500), { detail: `internal error, id ${request.id}` });
}
