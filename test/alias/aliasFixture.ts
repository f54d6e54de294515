// The alias tests' runs: the access matrix's (R1a 101 in B1a, R1b 102 in B1b, R2 103 in B2, R0 104 without a
// beamtime, Rpub 105 in Bpub) plus two more runs of B1a sharing scan_id 201 (R1c older, R1d newer), so that
// B1a's runs, newest first, are R1d, R1c, R1a. And a catalog without memberships, whose runs name their
// beamline, proposal and beamtime in their start documents.
import type { DocumentPair, RunStart } from "../../src/documents/types.ts";
import type { Store } from "../../src/storage/Store.ts";
import { RUN_SPECS, runDocuments } from "../access/accessFixture.ts";

/** A run of the fixture's shape, started at `1.7e9 + at` (runDocuments dates runs by their scan_id). */
export function runAt(spec: Parameters<typeof runDocuments>[0], at: number): DocumentPair[] {
  const documents = runDocuments(spec);
  (documents[0][1] as RunStart).time = 1.7e9 + at;
  return documents;
}

export const EXTRA_B1A = {
  R1c: { uid: "bbbb0000-0000-4000-8000-000000000201", scan_id: 201, beamtime: "B1a", plan_name: "scan_f" },
  R1d: { uid: "bbbb0000-0000-4000-8000-000000000202", scan_id: 201, beamtime: "B1a", plan_name: "scan_g" },
} as const;

/** Stores the matrix's runs (unless `matrixRuns` is false: a world stored them) and B1a's two extra runs. */
export async function putAliasRuns(store: Store, matrixRuns = true): Promise<void> {
  if (matrixRuns) for (const spec of Object.values(RUN_SPECS)) await store.put(runDocuments(spec));
  await store.put(runAt(EXTRA_B1A.R1c, 300));
  await store.put(runAt(EXTRA_B1A.R1d, 400));
}

/**
 * Runs of a single-user catalog: S1 and S2 (scan 7 twice, S2 newer) of beamtime B1, proposal P1, beamline X
 * (`beamline_id`, `proposal_id`); S3 of beamtime B2 with a numeric proposal and the `beamline` key; S4 with
 * no beamtime.
 */
export const SINGLE_USER_RUNS = {
  S1: {
    uid: "cccc0000-0000-4000-8000-000000000001",
    scan_id: 7,
    beamline_id: "X",
    proposal_id: "P1",
    beamtime: "B1",
    plan_name: "s1",
  },
  S2: {
    uid: "cccc0000-0000-4000-8000-000000000002",
    scan_id: 7,
    beamline_id: "X",
    proposal_id: "P1",
    beamtime: "B1",
    plan_name: "s2",
  },
  S3: {
    uid: "cccc0000-0000-4000-8000-000000000003",
    scan_id: 1,
    beamline: "Y",
    proposal_id: 12345,
    beamtime: "B2",
    plan_name: "s3",
  },
  S4: { uid: "cccc0000-0000-4000-8000-000000000004", scan_id: 2, beamline_id: "X", plan_name: "s4" },
} as const;

export async function putSingleUserRuns(store: Store): Promise<void> {
  const { S1, S2, S3, S4 } = SINGLE_USER_RUNS;
  await store.put(runAt(S1, 10));
  await store.put(runAt(S2, 20));
  await store.put(runAt(S3, 30));
  await store.put(runAt(S4, 40));
}
