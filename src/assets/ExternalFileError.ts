// The one answer for an external file that may not be read: missing, outside the catalog's file roots, or
// behind a symlink that leads out of them. One message for all, so that no caller learns which files exist.
import { NotFoundError } from "../errors.ts";

/** A NotFoundError (404 over HTTP): to this catalog, a file outside its roots does not exist. */
export class ExternalFileError extends NotFoundError {
  /** The error about `path`, named as the documents name it (never its real path). */
  static of(path: string): ExternalFileError {
    return new ExternalFileError(`file ${path} is not readable from this catalog's file roots`);
  }
}
