// Which runs an alias's first three parts (beamline/proposal/beamtime) name, and a run's own alias: the two
// directions of one mapping.
//
// With memberships, the beamtime is the user office's: the alias must name its proposal and beamline, and its
// runs are those that belong to it now (a staff re-tag wins over the start document). A beamtime the caller
// may not read answers as one that does not exist, so an alias never reveals a hidden beamtime.
// Without memberships (a single-user catalog) there are no beamtimes: the start documents' own keys are
// matched instead, each part by `<part>_id` or `<part>` (`beamline_id` is what bluesky beamlines write).
import type { AccessPolicy } from "../access/AccessPolicy.ts";
import type { Principal } from "../access/Principal.ts";
import { type RunAlias, scanAliasOf } from "../catalog/RunAlias.ts";
import type { RunSummary } from "../catalog/RunSummary.ts";
import type { RunStart } from "../documents/types.ts";
import type { Query, QueryValue } from "../queries/Query.ts";
import { andQuery } from "./andQuery.ts";
import type { RunListing } from "./findRunIn.ts";

type Part = "beamline" | "proposal" | "beamtime";

/** The start keys naming each part in a catalog without memberships, the first present winning. */
export const ALIAS_START_KEYS: Readonly<Record<Part, readonly string[]>> = {
  beamline: ["beamline_id", "beamline"],
  proposal: ["proposal_id", "proposal"],
  beamtime: ["beamtime_id", "beamtime"],
};

/** The runs an alias's beamtime holds, or why it names none (a part that does not match). */
export type AliasScope = { runs: Query } | { mismatch: string };

/**
 * The runs of the alias's beamtime as `principal` may name them (undefined: the catalog itself, which
 * sees every beamtime).
 */
export function aliasScope(alias: RunAlias, policy: AccessPolicy, principal?: Principal): AliasScope {
  if (!policy.enforced) {
    const parts = (["beamline", "proposal", "beamtime"] as const).map((part) => namedBy(part, alias[part]));
    return { runs: { op: "and", queries: parts } };
  }
  const beamtime = policy.beamtime(alias.beamtime);
  if (!beamtime || (principal && !policy.canReadBeamtime(principal, beamtime.id)))
    return { mismatch: `no beamtime ${alias.beamtime}${principal ? " that you may read" : ""}` };
  const wrong: string[] = [];
  if (beamtime.proposal !== alias.proposal)
    wrong.push(`is of proposal ${beamtime.proposal}, not ${alias.proposal}`);
  if (beamtime.beamline !== alias.beamline)
    wrong.push(`is on beamline ${beamtime.beamline}, not ${alias.beamline}`);
  if (wrong.length > 0) return { mismatch: `beamtime ${beamtime.id} ${wrong.join(" and ")}` };
  return { runs: policy.runsOfBeamtime(beamtime.id) };
}

/**
 * In a catalog without memberships, which part of an alias no run matches (undefined: all do), judged on
 * the newest run of `scope` naming its beamtime: what a user who mistyped one part needs to hear.
 */
export async function startKeyMismatch(
  listing: RunListing<RunSummary>,
  scope: Query,
  alias: RunAlias,
): Promise<string | undefined> {
  const [newest] = await listing.list(andQuery(scope, namedBy("beamtime", alias.beamtime)), { limit: 1 });
  if (!newest)
    return `no run names beamtime ${alias.beamtime} (start key ${ALIAS_START_KEYS.beamtime.join(" or ")})`;
  for (const part of ["proposal", "beamline"] as const) {
    const named = startValue(newest.start, part);
    if (named !== undefined && textOf(named.value) === alias[part]) continue;
    return named === undefined
      ? `the runs of beamtime ${alias.beamtime} name no ${part} (start key ${ALIAS_START_KEYS[part].join(" or ")})`
      : `the runs of beamtime ${alias.beamtime} name ${part} ${JSON.stringify(named.value)} (start key ${named.key}), not ${alias[part]}`;
  }
  return undefined;
}

/** The alias naming scan `scan_id` of the run's beamtime, when the run has a beamtime and a scan_id. */
export function aliasOfStart(start: RunStart, policy: AccessPolicy): RunAlias | undefined {
  if (policy.enforced) {
    const beamtime = policy.beamtime(policy.beamtimeOf(start) ?? "");
    return beamtime && scanAliasOf(beamtime.beamline, beamtime.proposal, beamtime.id, start.scan_id);
  }
  const [beamline, proposal, beamtime] = (["beamline", "proposal", "beamtime"] as const).map((part) =>
    textOf(startValue(start, part)?.value),
  );
  if (beamline === undefined || proposal === undefined || beamtime === undefined) return undefined;
  return scanAliasOf(beamline, proposal, beamtime, start.scan_id);
}

/** Runs whose start names `text` for `part` under any of its keys; digits match the number too. */
function namedBy(part: Part, text: string): Query {
  const values: QueryValue[] = /^(0|[1-9]\d{0,14})$/.test(text) ? [text, Number(text)] : [text];
  return { op: "or", queries: ALIAS_START_KEYS[part].map((key) => ({ op: "in", key, values })) };
}

function startValue(start: RunStart, part: Part): { key: string; value: unknown } | undefined {
  const document = start as Record<string, unknown>;
  const key = ALIAS_START_KEYS[part].find((candidate) => document[candidate] !== undefined);
  return key === undefined ? undefined : { key, value: document[key] };
}

/** A part's text as an alias spells it: text as it is, a whole number in digits; anything else has none. */
function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
}
