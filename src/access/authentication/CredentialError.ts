// A refused credential: the client sees one generic message, so it cannot learn which check failed; the
// specific reason stays on the error for the server's log.
import { UnauthorizedError } from "../../errors.ts";

export const GENERIC_CREDENTIAL_MESSAGE = "invalid or expired credentials";

export class CredentialError extends UnauthorizedError {
  /** Why the credential was refused (for logs only, never for the response). */
  readonly reason: string;
  constructor(reason: string, options?: ErrorOptions) {
    super(GENERIC_CREDENTIAL_MESSAGE);
    this.reason = reason;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
