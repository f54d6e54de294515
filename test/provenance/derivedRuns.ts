// Derived runs for the provenance tests: a small whole run (the access fixture's shape) whose start carries
// a provenance record naming its inputs.
import type { DocumentPair } from "../../src/documents/types.ts";
import type { ProvenanceInput } from "../../src/provenance/ProvenanceRecord.ts";
import { runDocuments } from "../access/accessFixture.ts";

export const FITTER = {
  name: "fitter",
  version: "2.1",
  vcs_url: "https://example.org/fitter.git",
  commit: "abc123",
};

/** A run with `uid` derived from `inputs` (uids or whole input entries); `record` adds to or overrides it. */
export function derivedRun(
  uid: string,
  inputs: Array<string | ProvenanceInput>,
  options: { scan_id?: number; beamtime?: string; record?: Record<string, unknown> } = {},
): DocumentPair[] {
  return runDocuments({
    uid,
    scan_id: options.scan_id ?? 900,
    plan_name: "fit",
    ...(options.beamtime === undefined ? {} : { beamtime: options.beamtime }),
    provenance: {
      inputs: inputs.map((input) => (typeof input === "string" ? { uid: input } : input)),
      software: [FITTER],
      parameters: { model: "gaussian" },
      ...options.record,
    },
  });
}

/** A plain (not derived) run. */
export function plainRun(uid: string, scan_id: number, beamtime?: string): DocumentPair[] {
  return runDocuments({ uid, scan_id, plan_name: "count", ...(beamtime === undefined ? {} : { beamtime }) });
}

/** Uids that read as what they are in failures. */
export const uid = (n: number): string => `cafe${String(n).padStart(4, "0")}-0000-4000-8000-000000000000`;
