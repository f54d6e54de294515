// One catalog of a federation: its name, its store (opened on first use and again after a failed open, so a
// source that was down when the federation opened is used once it is back) and its time limit, which every
// call to it keeps: a source that is slow or down costs a search its time limit, never a hang.

import { DatabrokerError, SearchTimeoutError, UnavailableError, ValidationError } from "../../errors.ts";
import type { CatalogSpec } from "../catalogs/CatalogSpec.ts";
import { openStore } from "../openStore.ts";
import type { Store } from "../Store.ts";
import type { SourceFailure } from "./FederationReport.ts";

/** The time limit of a source that sets none (ms). */
export const DEFAULT_SOURCE_TIMEOUT_MS = 10_000;
/** How long after a failed open the next call tries to open the source again (ms). */
const REOPEN_AFTER_MS = 5_000;

/** A source's call that failed or ran out of time, with what the report says of it. */
export class SourceError extends Error {
  constructor(readonly failure: SourceFailure) {
    super(`source ${failure.source}: ${failure.detail}`);
  }
}

/**
 * What a federation answers when every source failed: the sources' own error when they all failed alike (a
 * query none of them takes is the caller's fault), else one error naming each source and its failure.
 */
export function everySourceFailed(label: string, failures: readonly SourceFailure[]): Error {
  const code = (failure: SourceFailure) =>
    failure.error instanceof DatabrokerError ? failure.error.code : undefined;
  const [first] = failures;
  const shared = code(first);
  if (shared !== undefined && shared !== "unavailable" && failures.every((each) => code(each) === shared))
    return first.error as DatabrokerError;
  const each = failures.map(({ source, detail }) => `${source}: ${detail}`).join("; ");
  return new UnavailableError(`every source of ${label} failed (${each})`);
}

export class Source {
  private opened?: Promise<Store>;
  private failedAt = 0;

  constructor(
    readonly name: string,
    private readonly spec: CatalogSpec,
    readonly timeoutMs: number,
  ) {}

  /** The source's store, opened read-only (a federation writes nothing), again after a failed open. */
  async store(): Promise<Store> {
    if (
      this.opened === undefined ||
      (this.failedAt > 0 && performance.now() - this.failedAt > REOPEN_AFTER_MS)
    ) {
      this.failedAt = 0;
      this.opened = openStore(this.spec, { readOnly: true });
      this.opened.catch(() => {
        this.failedAt = performance.now();
      });
    }
    return this.opened;
  }

  /** `work` on this source's store within its time limit; a SourceError naming the source otherwise. */
  async call<T>(work: (store: Store) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SourceError({
              source: this.name,
              kind: "timeout",
              detail: `no answer within ${this.timeoutMs} ms`,
            }),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.store().then(work), late]);
    } catch (error) {
      // The request's own faults are every source's: a bad query, the search's time budget spent.
      if (
        error instanceof SourceError ||
        error instanceof ValidationError ||
        error instanceof SearchTimeoutError
      )
        throw error;
      throw new SourceError({
        source: this.name,
        kind: "error",
        detail: (error as Error).message,
        error: error as Error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.opened === undefined) return;
    await (await this.opened.catch(() => undefined))?.close();
  }
}
