// Looks up a run reference (-N, scan_id, uid or uid prefix) among the runs a query selects, with the same
// rules and messages as the store's own findRun, by listing runs of narrower queries — from a Store in
// process or from a server (the remote client), so both answer alike.

import type { RunRef } from "../catalog/RunRef.ts";
import type { RunSummary } from "../catalog/RunSummary.ts";
import { NotFoundError } from "../errors.ts";
import type { Query } from "../queries/Query.ts";
import {
  describeRef,
  MAX_LISTED,
  MIN_PREFIX,
  parseRunRef,
  pickByPrefix,
  tooShortPrefix,
} from "../storage/runRef.ts";
import type { Store, StoreRunsOptions } from "../storage/Store.ts";
import { andQuery } from "./andQuery.ts";

/** Where a lookup lists runs: a Store in process, or a server for the remote client. */
export interface RunListing<T> {
  list(query: Query, options: StoreRunsOptions): Promise<T[]>;
  uidOf(run: T): string;
}

/** A listing over a Store's own `runs`. */
export function storeListing(store: Store): RunListing<RunSummary> {
  return {
    async list(query, options) {
      const found: RunSummary[] = [];
      for await (const summary of store.runs(query, options)) found.push(summary);
      return found;
    },
    uidOf: (summary) => summary.uid,
  };
}

/**
 * The run `ref` names among those matching `scope`; NotFoundError or ValidationError (ambiguous prefix). A
 * listing of a whole catalog (`scope` all) says so as a store does: "no run matches", not "of this search".
 */
export async function findRunIn<T>(listing: RunListing<T>, scope: Query, ref: RunRef): Promise<T> {
  const parsed = parseRunRef(ref);
  const first = async (query: Query, options: StoreRunsOptions = {}) =>
    (await listing.list(query, { ...options, limit: 1 }))[0];
  let found: T | undefined;
  if (parsed.kind === "recent") {
    found = await first(scope, { offset: parsed.n - 1 });
  } else if (parsed.kind === "scan_id") {
    found = await first(andQuery(scope, { op: "eq", key: "scan_id", value: parsed.scanId }));
  } else {
    const { uid } = parsed;
    found = await first(andQuery(scope, { op: "eq", key: "uid", value: uid }));
    if (!found) {
      if (uid.length < MIN_PREFIX) throw tooShortPrefix(uid);
      // Every uid starting with the prefix sorts between the prefix and the prefix + the last code point.
      const withPrefix = andQuery(scope, {
        op: "and",
        queries: [
          { op: "comparison", key: "uid", operator: "ge", value: uid },
          { op: "comparison", key: "uid", operator: "lt", value: `${uid}\u{10ffff}` },
        ],
      });
      const matches = await listing.list(withPrefix, {
        limit: MAX_LISTED + 1,
        sort: [{ key: "uid", direction: "asc" }],
      });
      const picked = pickByPrefix(uid, matches.map(listing.uidOf));
      found = matches.find((run) => listing.uidOf(run) === picked);
    }
  }
  if (!found)
    throw new NotFoundError(
      `no run ${scope.op === "all" ? "" : "of this search "}matches ${describeRef(parsed)}`,
    );
  return found;
}
