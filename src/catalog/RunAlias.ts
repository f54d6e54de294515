// The name people use for a run: `beamline/proposal/beamtime/scan_id` (or `.../latest`, or `.../-N` for the
// N-th most recent run of that beamtime). Any run reference holding a `/` is one: uids never do. This module
// reads and writes the text only; which runs it names is the broker's business (broker/findAliasIn.ts).
import { ValidationError } from "../errors.ts";
import type { RunRef } from "./RunRef.ts";

/** Which run of the beamtime: the newest with a scan_id, or the N-th most recent (`latest` is 1). */
export type AliasPick = { scanId: number } | { recent: number };

export interface RunAlias {
  beamline: string;
  proposal: string;
  beamtime: string;
  pick: AliasPick;
}

const SHAPE = "beamline/proposal/beamtime/scan_id (or latest, or -N)";

/** Whether a run reference is an alias (text with a `/`) rather than a uid, scan_id or -N. */
export function isAliasRef(ref: RunRef): ref is string {
  return typeof ref === "string" && ref.includes("/");
}

/** The alias `ref` spells, undefined when it is another kind of reference; ValidationError when malformed. */
export function runAliasOf(ref: RunRef): RunAlias | undefined {
  if (!isAliasRef(ref)) return undefined;
  // A leading `/` is allowed: the alias is often written as a path.
  return runAliasFromParts(ref.trim().replace(/^\//, "").split("/"), ref);
}

/** The alias of four parts (a URL's segments, say); `written` is how the user wrote it, for messages. */
export function runAliasFromParts(parts: readonly string[], written = parts.join("/")): RunAlias {
  if (parts.length !== 4 || parts.some((part) => part.trim() === "" || part.includes("/")))
    throw new ValidationError(`run alias ${JSON.stringify(written)}: an alias is ${SHAPE}`);
  const [beamline, proposal, beamtime, last] = parts;
  return { beamline, proposal, beamtime, pick: pickOf(last.trim(), written) };
}

function pickOf(text: string, written: string): AliasPick {
  if (text === "latest") return { recent: 1 };
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value !== 0) return value > 0 ? { scanId: value } : { recent: -value };
  throw new ValidationError(
    `run alias ${JSON.stringify(written)}: its last part ${JSON.stringify(text)} must be a scan_id (a whole number above 0), latest, or -N for the N-th most recent run of the beamtime`,
  );
}

/** The alias's four parts, as a URL's segments. */
export function aliasParts(alias: RunAlias): [string, string, string, string] {
  const { pick } = alias;
  const last = "scanId" in pick ? String(pick.scanId) : pick.recent === 1 ? "latest" : `-${pick.recent}`;
  return [alias.beamline, alias.proposal, alias.beamtime, last];
}

/** The alias as people write it: `X/P1/B1a/42`. */
export function aliasText(alias: RunAlias): string {
  return aliasParts(alias).join("/");
}

/**
 * The alias of scan `scanId` of a beamtime, when these parts make one: none may be empty or hold a `/`
 * (it could not be read back), and the scan_id must be a whole number above 0.
 */
export function scanAliasOf(
  beamline: string,
  proposal: string,
  beamtime: string,
  scanId: unknown,
): RunAlias | undefined {
  const parts = [beamline, proposal, beamtime];
  if (parts.some((part) => part.trim() === "" || part.includes("/"))) return undefined;
  if (typeof scanId !== "number" || !Number.isSafeInteger(scanId) || scanId < 1) return undefined;
  return { beamline, proposal, beamtime, pick: { scanId } };
}
