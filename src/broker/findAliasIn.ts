// Looks up an alias (beamline/proposal/beamtime/scan_id|latest|-N) among the runs a query selects: the
// beamtime's runs (aliasScope.ts), then the newest with the scan_id, or the N-th most recent, as findRunIn
// picks. Every failure is a NotFoundError naming the alias and the part that does not match; its text
// depends only on the alias and on what the caller may see, so a hidden run answers as a missing one.
import type { AccessPolicy } from "../access/AccessPolicy.ts";
import type { Principal } from "../access/Principal.ts";
import { type AliasPick, aliasText, type RunAlias } from "../catalog/RunAlias.ts";
import type { RunRef } from "../catalog/RunRef.ts";
import type { RunSummary } from "../catalog/RunSummary.ts";
import { NotFoundError } from "../errors.ts";
import type { Query } from "../queries/Query.ts";
import { aliasScope, startKeyMismatch } from "./aliasScope.ts";
import { andQuery } from "./andQuery.ts";
import { findRunIn, type RunListing } from "./findRunIn.ts";

/** The run `alias` names among those `scope` selects, as `principal` (undefined: the catalog) names it. */
export async function findAliasIn(
  listing: RunListing<RunSummary>,
  scope: Query,
  alias: RunAlias,
  policy: AccessPolicy,
  principal?: Principal,
): Promise<RunSummary> {
  const notFound = (reason: string) => new NotFoundError(`run alias ${aliasText(alias)}: ${reason}`);
  const beamtime = aliasScope(alias, policy, principal);
  if ("mismatch" in beamtime) throw notFound(beamtime.mismatch);
  try {
    return await findRunIn(listing, andQuery(scope, beamtime.runs), refOfPick(alias.pick));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    // Without memberships the beamtime's parts were matched with its runs: say which one no run has.
    const mismatch = policy.enforced ? undefined : await startKeyMismatch(listing, scope, alias);
    throw notFound(mismatch ?? missingPick(alias));
  }
}

function refOfPick(pick: AliasPick): RunRef {
  return "scanId" in pick ? { scan_id: pick.scanId } : { recent: pick.recent };
}

function missingPick({ beamtime, pick }: RunAlias): string {
  if ("scanId" in pick) return `no run of beamtime ${beamtime} has scan_id ${pick.scanId}`;
  return pick.recent === 1
    ? `beamtime ${beamtime} has no run`
    : `beamtime ${beamtime} has fewer than ${pick.recent} runs`;
}
