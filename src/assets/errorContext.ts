// Re-raises a handler's failure as the same kind of typed error, its message naming the resource uid,
// the spec or mimetype, the resolved path and the datum (id and kwargs or indices).
import type { DatabrokerError } from "../errors.ts";
import { NotFoundError, UnreadableError, UnsupportedError, ValidationError } from "../errors.ts";
import { ExternalFileError } from "./ExternalFileError.ts";

export interface AssetContext {
  /** `resource <uid>` or `stream resource <uid>`. */
  resource: string;
  /** `spec AD_HDF5` or `mimetype application/x-hdf5`. */
  kind: string;
  path: string;
  /** `datum <id> {"point_number":3}` or `stream datum <uid> [0, 5)`. */
  datum: string;
}

export function describeContext(context: AssetContext): string {
  return `${context.datum} of ${context.resource} (${context.kind}, path ${context.path})`;
}

function osCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The same error class with the context prefixed (anything untyped becomes an UnreadableError). */
export function inContext(error: unknown, context: AssetContext): DatabrokerError {
  const where = describeContext(context);
  const reason = error instanceof Error ? error.message : String(error);
  let wrapped: DatabrokerError;
  if (error instanceof ValidationError) wrapped = new ValidationError(`${where}: ${reason}`, error.findings);
  else if (error instanceof ExternalFileError) wrapped = new ExternalFileError(`${where}: ${reason}`);
  else if (error instanceof NotFoundError || osCode(error) === "ENOENT")
    wrapped = new NotFoundError(`${where}: ${reason}`);
  else if (error instanceof UnsupportedError) wrapped = new UnsupportedError(`${where}: ${reason}`);
  else {
    // Unreadable files and anything untyped (h5wasm, the TIFF decoder): the original message is kept whole.
    wrapped = new UnreadableError(
      context.path,
      `${context.datum} of ${context.resource} (${context.kind})`,
      reason,
    );
  }
  wrapped.cause = error;
  return wrapped;
}
