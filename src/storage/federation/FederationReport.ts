// What a search of a federation of catalogs could not do: the sources that failed or took too long (their
// runs are missing from the answer) and the runs two sources hold differently. A caller passes one in with a
// search (SearchOptions.report) and shows it: the command line as warnings, the server as a field of its
// answer. A search without one has it emitted as a process warning, so nothing is dropped unsaid.

/** A source whose part of an answer is missing. */
export interface SourceFailure {
  source: string;
  /** `timeout`: it did not answer within its time limit; `error`: it answered with an error or not at all. */
  kind: "timeout" | "error";
  detail: string;
  /** The error itself (not part of the report's JSON). */
  error?: Error;
}

/** A run uid held by several sources with different start documents (the first source's is shown). */
export interface UidConflict {
  uid: string;
  sources: string[];
}

export class FederationReport {
  readonly failures: SourceFailure[] = [];
  readonly conflicts: UidConflict[] = [];

  failed(failure: SourceFailure): void {
    if (!this.failures.some((each) => each.source === failure.source)) this.failures.push(failure);
  }

  conflict(uid: string, sources: string[]): void {
    if (!this.conflicts.some((each) => each.uid === uid)) this.conflicts.push({ uid, sources });
  }

  get partial(): boolean {
    return this.failures.length > 0 || this.conflicts.length > 0;
  }

  /** One line per failure and conflict, as the command line prints them. */
  lines(): string[] {
    return [
      ...this.failures.map(
        ({ source, kind, detail }) =>
          `source ${source} ${kind === "timeout" ? "timed out" : "failed"}: ${detail} (its runs are missing from these results)`,
      ),
      ...this.conflicts.map(
        ({ uid, sources }) =>
          `run ${uid} differs between sources ${sources.join(", ")} (${sources[0]}'s is shown)`,
      ),
    ];
  }

  /** As the HTTP answers carry it. */
  toJSON(): { failures: SourceFailure[]; conflicts: UidConflict[] } {
    return {
      failures: this.failures.map(({ source, kind, detail }) => ({ source, kind, detail })),
      conflicts: this.conflicts,
    };
  }
}
