// Errors across the writer thread: structured cloning keeps only a plain Error's message, so an error thrown
// there travels as a WireError and is rebuilt on the main side with its class (ConflictError, SqliteError
// with its code, ...) and its own fields, so callers see what a store on the same thread would have thrown.
import Database from "better-sqlite3";
import {
  ConflictError,
  type Finding,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UnreadableError,
  UnsupportedError,
  ValidationError,
} from "../../../errors.ts";

export interface WireError {
  /** The class's name: one of ours, "SqliteError", or another (rebuilt as a plain Error with that name). */
  name: string;
  message: string;
  /** SqliteError's code (SQLITE_BUSY, ...) or a DatabrokerError's. */
  code?: string;
  findings?: Finding[];
  source?: string;
  location?: string;
  /** Where it was thrown, in the writer thread. */
  stack?: string;
}

export function errorToWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const wire: WireError = { name: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") wire.code = code;
  if (error instanceof ValidationError) wire.findings = error.findings;
  if (error instanceof UnreadableError) {
    wire.source = error.source;
    wire.location = error.location;
  }
  return wire;
}

/** UnreadableError composes its message from its parts: rebuilt with its parts, its message then restored. */
function unreadable(wire: WireError): UnreadableError {
  const error = new UnreadableError(wire.source ?? "", wire.location ?? "", "");
  error.message = wire.message;
  return error;
}

const REBUILD: Record<string, (wire: WireError) => Error> = {
  ValidationError: (wire) => new ValidationError(wire.message, wire.findings ?? []),
  NotFoundError: (wire) => new NotFoundError(wire.message),
  ConflictError: (wire) => new ConflictError(wire.message),
  UnauthorizedError: (wire) => new UnauthorizedError(wire.message),
  ForbiddenError: (wire) => new ForbiddenError(wire.message),
  UnsupportedError: (wire) => new UnsupportedError(wire.message),
  UnreadableError: unreadable,
  SqliteError: (wire) => new Database.SqliteError(wire.message, wire.code ?? "SQLITE_ERROR"),
};

/** The error `wire` describes, as an instance of its class; its stack continues with the thread's. */
export function errorFromWire(wire: WireError): Error {
  const rebuild = REBUILD[wire.name];
  let error: Error;
  if (rebuild) error = rebuild(wire);
  else {
    error = new Error(wire.message);
    error.name = wire.name;
    if (wire.code !== undefined) (error as Error & { code: string }).code = wire.code;
  }
  if (wire.stack) error.stack = `${error.stack}\n    --- in the SQLite writer thread ---\n${wire.stack}`;
  return error;
}
