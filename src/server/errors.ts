// The errors the HTTP layer adds to the product's typed errors (src/errors.ts), and the HTTP status of each
// error. Imports nothing else of the server, so any server module can throw these; the answer they become is
// written by errorReply.ts.
import {
  type DatabrokerError,
  LimitError,
  QuerySyntaxError,
  UnsupportedError,
  ValidationError,
} from "../errors.ts";

/** A request the server understands but refuses as malformed: 400 (Tiled's choice for these cases). */
export class BadRequestError extends ValidationError {}

/** A change that must name the revision it was made from did not: 428 (RFC 6585), so no edit is lost. */
export class PreconditionRequiredError extends ValidationError {}

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

/** A request body larger than the server's limit: 413, and the connection is closed. */
export class PayloadTooLargeError extends LimitError {}

/** The route exists but not for this kind of node: 405. */
export class MethodNotAllowedError extends UnsupportedError {}

/** The status of a product error (subclasses of the HTTP layer first). */
export function statusOf(error: DatabrokerError): number {
  // A query text that does not parse (filter[query]) is a malformed request, as Tiled answers those.
  if (error instanceof BadRequestError || error instanceof QuerySyntaxError) return 400;
  if (error instanceof PreconditionRequiredError) return 428;
  if (error instanceof RequestTimeoutError) return 408;
  if (error instanceof PayloadTooLargeError) return 413;
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
    case "lagged":
      // The server's limit, not the request's fault: it may pass on a quieter server or a narrower query.
      return 503;
    case "unavailable":
      // A server this one reads from (a remote catalog) did not answer.
      return 502;
  }
}
