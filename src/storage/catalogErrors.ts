// Why a catalog could not be opened, as typed errors that name the catalog and what to do: no catalog there
// (a read never creates one), or one that exists but cannot be used (not a database, no access, no server).
import { DatabrokerError, NotFoundError } from "../errors.ts";
import { redactedUri } from "./postgres/connectionPool.ts";

/** Nothing at the URI a read opened; reads never create a catalog. */
export class NoCatalogError extends NotFoundError {
  constructor(uri: string, why = "") {
    super(
      `no catalog at ${redactedUri(uri)}${why ? ` (${why})` : ""}: check --catalog, or create one with ` +
        "databroker ingest FILES --catalog URI",
    );
  }
}

/** A catalog that is there but cannot be opened: the reason, with the low-level error as the cause. */
export class CatalogOpenError extends DatabrokerError {
  constructor(uri: string, reason: string, cause?: unknown) {
    super("unreadable", `cannot open catalog ${redactedUri(uri)}: ${reason}`, { cause });
  }
}

/** The low-level codes of file systems, SQLite and PostgreSQL, said so that a user knows what to do. */
const REASONS: Record<string, string> = {
  ENOENT: "a folder on its path does not exist",
  ENOTDIR: "a part of its path is a file, not a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  EISDIR: "it is a folder, not a file",
  ENOSPC: "the disk is full",
  SQLITE_NOTADB: "the file is not a SQLite database",
  SQLITE_CORRUPT: "the SQLite file is damaged",
  SQLITE_CANTOPEN: "SQLite cannot open the file (is its folder there and readable?)",
  SQLITE_READONLY: "the file is read-only",
  SQLITE_READONLY_DIRECTORY:
    "its folder is not writable, and SQLite readers of a catalog in WAL mode need their -shm file there: " +
    "make the folder writable, or copy the catalog elsewhere",
  SQLITE_PERM: "permission denied",
  SQLITE_BUSY: "another process holds a lock on it; try again",
  SQLITE_IOERR: "SQLite cannot read or write the file (a failing disk, or a file system it cannot lock?)",
  SQLITE_FULL: "the disk is full",
  ECONNREFUSED: "connection refused: is the PostgreSQL server running, on that host and port?",
  ENOTFOUND: "no such host",
  ETIMEDOUT: "the server did not answer in time",
  EHOSTUNREACH: "the host cannot be reached",
  "28P01": "password authentication failed",
  "28000": "the server refused this user (pg_hba.conf, or no such role)",
};

/** What went wrong opening `uri`, as a typed error; product errors pass unchanged. */
export function catalogOpenFailure(uri: string, error: unknown): Error {
  if (error instanceof DatabrokerError || !(error instanceof Error)) return error as Error;
  const code = String((error as { code?: unknown }).code ?? "");
  // PostgreSQL's "database does not exist": nothing at that URI.
  if (code === "3D000") return new NoCatalogError(uri, "the database does not exist");
  // Extended SQLite codes (SQLITE_IOERR_READ) fall back to their primary code.
  const reason = REASONS[code] ?? REASONS[code.replace(/^(SQLITE_[A-Z]+)_.*$/, "$1")];
  return reason ? new CatalogOpenError(uri, reason, error) : error;
}
