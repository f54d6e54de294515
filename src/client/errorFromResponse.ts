// HTTP error answers mapped back to the product's typed errors (src/errors.ts): the status picks the class,
// the server's `{detail, findings}` body gives the message, so callers catch the same errors as locally.
import {
  ConflictError,
  type DatabrokerError,
  type Finding,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UnsupportedError,
  ValidationError,
} from "../errors.ts";

/** The `detail` (and `findings`) of an error body; plain text when the body is not JSON. */
function parsedBody(text: string): { detail: string; findings: Finding[] } {
  try {
    const body = JSON.parse(text) as { detail?: unknown; findings?: unknown };
    const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail ?? body);
    return { detail, findings: Array.isArray(body.findings) ? (body.findings as Finding[]) : [] };
  } catch {
    return { detail: text.trim(), findings: [] };
  }
}

/**
 * The typed error of a 4xx answer. The server sends invalid input as 422 and what it cannot do (a query type,
 * a spec without handler, a format) as 400, along with the few requests it finds malformed.
 */
export function errorFromResponse(status: number, bodyText: string, url: string): DatabrokerError {
  const { detail, findings } = parsedBody(bodyText);
  const message = detail || `HTTP ${status} from ${url}`;
  switch (status) {
    case 401:
      return new UnauthorizedError(message);
    case 403:
      return new ForbiddenError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    case 400:
    case 405:
    case 406:
      return new UnsupportedError(message);
    default:
      return new ValidationError(message, findings);
  }
}
