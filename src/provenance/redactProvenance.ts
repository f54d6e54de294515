// The one rule of showing a provenance record: an input its reader may not read appears as
// {inaccessible: true}, without its uid, stream or seq range. Every place a start document reaches a
// principal (the Broker's runs and listings, a Run's replayed documents, and through them every route)
// shows the start this returns. A record never grants access to its inputs.
import type { RunStart } from "../documents/types.ts";
import { HIDDEN_INPUT, PROVENANCE_KEY, rawProvenanceOf } from "./ProvenanceRecord.ts";

/** `start` with each input `canRead` refuses hidden; the same object when nothing is hidden. */
export function redactProvenance(start: RunStart, canRead: (uid: string) => boolean): RunStart {
  const record = rawProvenanceOf(start);
  if (typeof record !== "object" || record === null) return start;
  const inputs = (record as { inputs?: unknown }).inputs;
  if (!Array.isArray(inputs)) return start;
  const readable = (input: unknown) => {
    const uid = (input as { uid?: unknown } | null)?.uid;
    return typeof uid === "string" && canRead(uid);
  };
  if (inputs.every(readable)) return start;
  const shown = inputs.map((input) => (readable(input) ? input : { ...HIDDEN_INPUT }));
  return { ...start, [PROVENANCE_KEY]: { ...record, inputs: shown } } as RunStart;
}
