// Looks up a run reference (-N, scan_id, uid or uid prefix) among the runs a query selects, with the same
// rules and messages as the store's own findRun, by asking the store for runs of narrower queries.

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
import type { RunRef, RunSummary, RunsOptions, Store } from "../storage/Store.ts";
import { andQuery } from "./andQuery.ts";

async function first(store: Store, query: Query, options: RunsOptions): Promise<RunSummary | undefined> {
  for await (const summary of store.runs(query, { ...options, limit: 1 })) return summary;
  return undefined;
}

/** The run `ref` names among those matching `scope`; NotFoundError or ValidationError (ambiguous prefix). */
export async function findRunIn(store: Store, scope: Query, ref: RunRef): Promise<RunSummary> {
  const parsed = parseRunRef(ref);
  let found: RunSummary | undefined;
  if (parsed.kind === "recent") {
    found = await first(store, scope, { offset: parsed.n - 1 });
  } else if (parsed.kind === "scan_id") {
    found = await first(store, andQuery(scope, { op: "eq", key: "scan_id", value: parsed.scanId }), {});
  } else {
    const { uid } = parsed;
    found = await first(store, andQuery(scope, { op: "eq", key: "uid", value: uid }), {});
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
      const matches: RunSummary[] = [];
      for await (const summary of store.runs(withPrefix, {
        limit: MAX_LISTED + 1,
        sort: [{ key: "uid", direction: "asc" }],
      }))
        matches.push(summary);
      const picked = pickByPrefix(
        uid,
        matches.map((summary) => summary.uid),
      );
      found = matches.find((summary) => summary.uid === picked);
    }
  }
  if (!found) throw new NotFoundError(`no run of this search matches ${describeRef(parsed)}`);
  return found;
}
