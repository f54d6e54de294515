// A derived run's provenance record: what it was made from (input runs, optionally a stream and a seq range
// of each), with which software and parameters, by whom. It travels in the derived run's start document
// under `provenance`, so it is written in the same put as the run, as immutable as the run, and survives
// export and replay; "when" is the start's `time`.
import type { RunStart } from "../documents/types.ts";

/** The start document key the record is stored under. */
export const PROVENANCE_KEY = "provenance";

/** One input: a run, optionally one of its streams and a range of its seq_nums (both ends included). */
export interface ProvenanceInput {
  uid: string;
  stream?: string;
  seq?: [number, number];
}

/** What a reader who may not read an input sees in its place: no uid, stream or range. */
export interface HiddenInput {
  inaccessible: true;
}

export type ShownInput = ProvenanceInput | HiddenInput;

export interface SoftwareEntry {
  name: string;
  version?: string;
  vcs_url?: string;
  commit?: string;
}

/** The record as written in `start.provenance`. */
export interface ProvenanceRecord {
  inputs: ProvenanceInput[];
  software: SoftwareEntry[];
  parameters?: Record<string, unknown>;
  /** The writer's user id; under access rules it must be the writer's own (or absent). */
  created_by?: string;
}

/** The record as a reader gets it: inputs they may not read hidden, who and when spelled out. */
export interface ProvenanceView {
  inputs: ShownInput[];
  software: SoftwareEntry[];
  parameters: Record<string, unknown>;
  created_by: string | null;
  /** The derived run's start time (seconds since the epoch). */
  created_at: number;
}

export const HIDDEN_INPUT: HiddenInput = Object.freeze({ inaccessible: true });

export function isHiddenInput(input: ShownInput): input is HiddenInput {
  return (input as Partial<HiddenInput>).inaccessible === true;
}

/** The raw `provenance` value of a start document (undefined when it has none). */
export function rawProvenanceOf(start: RunStart): unknown {
  return (start as Record<string, unknown>)[PROVENANCE_KEY];
}

/**
 * The uids of the inputs a start document's record names, in order, duplicates kept out. Only well-formed
 * entries count: a stored record passed the write checks, and a malformed one from an older catalog names
 * nothing a reader could follow.
 */
export function inputUidsOf(start: RunStart): string[] {
  const record = rawProvenanceOf(start);
  if (typeof record !== "object" || record === null) return [];
  const inputs = (record as { inputs?: unknown }).inputs;
  if (!Array.isArray(inputs)) return [];
  const uids = new Set<string>();
  for (const input of inputs) {
    const uid = (input as { uid?: unknown } | null)?.uid;
    if (typeof uid === "string") uids.add(uid);
  }
  return [...uids];
}

/** The record of a (possibly redacted) start as a reader sees it; undefined for a run that was not derived. */
export function provenanceViewOf(start: RunStart): ProvenanceView | undefined {
  const record = rawProvenanceOf(start) as Partial<ProvenanceRecord> | undefined;
  if (typeof record !== "object" || record === null || !Array.isArray(record.inputs)) return undefined;
  return {
    inputs: record.inputs as ShownInput[],
    software: Array.isArray(record.software) ? record.software : [],
    parameters: record.parameters ?? {},
    created_by: typeof record.created_by === "string" ? record.created_by : null,
    created_at: start.time,
  };
}
