// The derivedFrom kind: runs whose provenance record (start.provenance, see src/provenance) names a given
// run among its inputs. Written derived_from("uid"); Tiled-style filter `derived_from` with field `uid`.
// Like any search it finds only the derived runs the searcher may see; it tells nothing of the input itself.
import { text } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import { valueAt } from "../runValues.ts";
import type { QueryKind } from "./QueryKind.ts";

/** Runs whose `start.provenance.inputs` holds an input with this run uid (a full uid, not a prefix). */
export interface DerivedFrom {
  op: "derivedFrom";
  uid: string;
}

export const derivedFromQuery = (uid: string): DerivedFrom => ({ op: "derivedFrom", uid });

/** The start key the inputs are listed under (what every backend's translation reads). */
export const PROVENANCE_INPUTS_KEY = "provenance.inputs";

export const derivedFromKind: QueryKind<DerivedFrom> = {
  op: "derivedFrom",
  fields: { uid: text((value) => (value === "" ? "a run uid is not empty" : undefined), "required") },
  format: (query, text) => `derived_from(${text.value(query.uid)})`,
  language: {
    functions: {
      names: ["derived_from", "derivedFrom"],
      read: (call) => {
        call.named([]);
        const [argument, extra] = call.positional;
        if (argument === undefined || extra !== undefined)
          throw call.error(call.nameToken, `${call.name} takes one run uid`);
        if (typeof argument.value !== "string")
          throw call.error(argument.token, `${call.name} takes a run uid as a string`);
        return derivedFromQuery(argument.value);
      },
    },
  },
  tiled: {
    name: "derived_from",
    encode: (query) => ({ uid: query.uid }),
    decode: (reader) => derivedFromQuery(reader.raw("uid") ?? ""),
  },
};

export const matchDerivedFrom: MemoryTranslation<DerivedFrom> = (query) => (run) => {
  const inputs = valueAt(run, PROVENANCE_INPUTS_KEY);
  return (
    Array.isArray(inputs) &&
    inputs.some(
      (input) =>
        typeof input === "object" && input !== null && (input as { uid?: unknown }).uid === query.uid,
    )
  );
};
