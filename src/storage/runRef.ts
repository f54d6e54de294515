// How users name a run (a uid or a unique prefix, a scan_id, or -N for the N-th most recent), parsed once so
// every adapter resolves references the same way and fails with the same messages.
import { isAliasRef } from "../catalog/RunAlias.ts";
import type { RunRef } from "../catalog/RunRef.ts";
import { NotFoundError, ValidationError } from "../errors.ts";

/** Shortest uid prefix accepted, as in databroker. */
export const MIN_PREFIX = 5;
/** Candidates named when a prefix is ambiguous. */
export const MAX_LISTED = 10;

export type ParsedRunRef =
  | { kind: "uid"; uid: string }
  | { kind: "scan_id"; scanId: number }
  | { kind: "recent"; n: number };

export function parseRunRef(ref: RunRef): ParsedRunRef {
  if (isAliasRef(ref))
    throw new ValidationError(
      `run alias ${JSON.stringify(ref)}: a store knows no beamtimes; look aliases up through a Broker`,
    );
  if (typeof ref === "string") return { kind: "uid", uid: ref };
  if (typeof ref === "number") {
    if (!Number.isInteger(ref) || ref === 0) {
      throw new ValidationError(
        `run reference ${ref}: use a uid, a scan_id (N > 0) or -N for the N-th most recent`,
      );
    }
    return ref > 0 ? { kind: "scan_id", scanId: ref } : { kind: "recent", n: -ref };
  }
  if ("uid" in ref) return { kind: "uid", uid: ref.uid };
  if ("scan_id" in ref) return { kind: "scan_id", scanId: ref.scan_id };
  if (!Number.isInteger(ref.recent) || ref.recent < 1)
    throw new ValidationError(`recent must be 1 or more, got ${ref.recent}`);
  return { kind: "recent", n: ref.recent };
}

/** The run among prefix matches (at most MAX_LISTED + 1 asked for), or the error users expect. */
export function pickByPrefix(prefix: string, uids: string[]): string {
  if (uids.length === 1) return uids[0];
  if (uids.length === 0) throw new NotFoundError(`no run has uid ${prefix} or a uid starting with it`);
  const listed = uids.slice(0, MAX_LISTED).join(", ");
  const more = uids.length > MAX_LISTED ? ", ..." : "";
  throw new ValidationError(`uid prefix ${prefix} is ambiguous: it matches ${listed}${more}`);
}

export function tooShortPrefix(prefix: string): NotFoundError {
  return new NotFoundError(`no run has uid ${prefix} (a uid prefix needs at least ${MIN_PREFIX} characters)`);
}

export function describeRef(ref: ParsedRunRef): string {
  if (ref.kind === "uid") return `uid ${ref.uid}`;
  if (ref.kind === "scan_id") return `scan_id ${ref.scanId}`;
  return `recent run -${ref.n}`;
}
