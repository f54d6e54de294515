// The typed errors of the whole product: each carries a machine code, and the server maps codes to HTTP
// statuses in one place. Messages are for humans and name the document, the field and the rule.

export type ErrorCode =
  | "validation"
  | "not_found"
  | "conflict"
  | "unauthorized"
  | "forbidden"
  | "unsupported"
  | "unreadable"
  | "timeout"
  | "lagged"
  | "unavailable";

export class DatabrokerError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One finding about a document: where it is and which rule it breaks. */
export interface Finding {
  /** Index of the document in its run or batch (0-based), when known. */
  doc_index?: number;
  /** Document name (`start`, `event`, ...). */
  name: string;
  /** Path of the offending field, e.g. `data_keys.det.shape[0]`; empty for the whole document. */
  path: string;
  /** Short machine name of the rule, e.g. `required`, `type`, `seq_num-gap`. */
  rule: string;
  message: string;
}

export class ValidationError extends DatabrokerError {
  readonly findings: Finding[];
  constructor(message: string, findings: Finding[] = []) {
    super("validation", message);
    this.findings = findings;
  }
}

/** Query-language text that does not parse: the message names the column and shows it with a caret. HTTP: 400. */
export class QuerySyntaxError extends ValidationError {}

/** Input past a configured size limit (a document, a string, a count): 422; the message names the limit. */
export class LimitError extends ValidationError {}

export class NotFoundError extends DatabrokerError {
  constructor(message: string) {
    super("not_found", message);
  }
}

export class ConflictError extends DatabrokerError {
  constructor(message: string) {
    super("conflict", message);
  }
}

export class UnauthorizedError extends DatabrokerError {
  constructor(message: string) {
    super("unauthorized", message);
  }
}

export class ForbiddenError extends DatabrokerError {
  constructor(message: string) {
    super("forbidden", message);
  }
}

export class UnsupportedError extends DatabrokerError {
  constructor(message: string) {
    super("unsupported", message);
  }
}

/** A file or body that cannot be read as documents: names the source and the byte offset or line. */
export class UnreadableError extends DatabrokerError {
  readonly source: string;
  readonly location: string;
  constructor(source: string, location: string, message: string, options?: ErrorOptions) {
    super("unreadable", `${source}: ${location}: ${message}`, options);
    this.source = source;
    this.location = location;
  }
}

/** A search that ran past its time budget (the server answers 503): the query should be narrowed. */
export class SearchTimeoutError extends DatabrokerError {
  readonly budgetMs: number;
  constructor(budgetMs: number) {
    super("timeout", `search took longer than the ${budgetMs} ms budget; narrow the query`);
    this.budgetMs = budgetMs;
  }
}

/**
 * A live subscriber that fell too far behind to be kept up with in bounded memory: it should resume (from the
 * sequence number it last saw, when the stream has them) or search again.
 */
export class LaggedError extends DatabrokerError {
  constructor(message: string) {
    super("lagged", message);
  }
}

/** A server another catalog reads from (a remote catalog, a federation's source) that cannot be reached. */
export class UnavailableError extends DatabrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("unavailable", message, options);
  }
}
