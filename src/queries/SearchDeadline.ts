// The time one search request may take, so no query holds the server: checked where JavaScript runs inside a
// search (SQLite's registered functions, memory and files evaluation), given to PostgreSQL as its timeout.
import { SearchTimeoutError } from "../errors.ts";

/** The deadline of the synchronous search running now, seen by functions SQLite calls back. */
let active: SearchDeadline | undefined;

export class SearchDeadline {
  private constructor(
    readonly budgetMs: number,
    private readonly at: number,
  ) {}

  /** A deadline `budgetMs` from now. */
  static after(budgetMs: number): SearchDeadline {
    return new SearchDeadline(budgetMs, performance.now() + budgetMs);
  }

  get expired(): boolean {
    return performance.now() > this.at;
  }

  /** Throws SearchTimeoutError once past the deadline. */
  check(): void {
    if (this.expired) throw new SearchTimeoutError(this.budgetMs);
  }

  /** Runs a synchronous search with this deadline active (see `checkActiveDeadline`). */
  during<T>(search: () => T): T {
    const outer = active;
    active = this;
    try {
      return search();
    } finally {
      active = outer;
    }
  }
}

/** Throws when the synchronous search running now is past its deadline (none active: never). */
export function checkActiveDeadline(): void {
  active?.check();
}

/**
 * A check for a loop over runs: throws once past the deadline, looking at the clock on the first call and
 * every `every` calls after (reading the clock costs about what matching one run does).
 */
export function deadlineChecker(deadline: SearchDeadline | undefined, every = 64): () => void {
  if (!deadline) return () => undefined;
  let calls = 0;
  return () => {
    if (calls++ % every === 0) deadline.check();
  };
}
