// Deterministic identities of derived runs: the run's uid is a name-based (version 5) uuid of its input, the
// processor, its version and its canonical parameters, and each document's uid one of the run's uid and the
// document's place in it. Processing an input again therefore writes the very same documents, which the store
// skips as stored already: a killed pipeline, restarted, finishes each run once.
import { createHash } from "node:crypto";
import type { ProcessorParams } from "./Processor.ts";

/** The namespace of every uid `databroker pipe` derives (a random uuid, fixed once). */
const PIPE_NAMESPACE = "6f1d3c52-8e0a-4b7c-9a35-2d4e6f8a1b90";

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replaceAll("-", ""), "hex");
}

/** RFC 4122 version 5: SHA-1 of the namespace and the name, with the version and variant bits set. */
export function nameBasedUid(name: string, namespace: string = PIPE_NAMESPACE): string {
  const hash = createHash("sha1").update(uuidBytes(namespace)).update(name, "utf8").digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON with object keys sorted at every level: one text per value, whatever order the keys were given in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What identifies a derived run: which input, made by which processor, version and parameters. */
export interface DerivationKey {
  input: string;
  processor: string;
  version: string;
  params: ProcessorParams;
}

export function derivedRunUid(key: DerivationKey): string {
  return nameBasedUid(canonicalJson(key));
}

/** The uid of a document of a derived run, by its place: `descriptor/stats`, `event/primary/12`, `stop`. */
export function derivedDocumentUid(runUid: string, place: string): string {
  return nameBasedUid(place, runUid);
}
