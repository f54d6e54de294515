// Checks that a decoded value is one document — a `[name, doc]` pair or a `{name, doc}` object — with a
// known document name and an object body, and turns it into a DocumentPair; anything else is unreadable.
import { UnreadableError } from "../../errors.ts";
import { DOCUMENT_NAMES, type DocumentPair } from "../types.ts";
import type { DocumentShape } from "./DocumentFormat.ts";
import { mayNestTooDeeply, nestsDeeperThan, TOO_DEEP } from "./inputDepth.ts";

const KNOWN_NAMES: ReadonlySet<string> = new Set(DOCUMENT_NAMES);

/** An object that is neither an array nor binary data (what a document body must be). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** A short description of a value for error messages: what kind it is and a glimpse of it. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length} element${value.length === 1 ? "" : "s"}`;
  if (ArrayBuffer.isView(value)) return `binary data of ${value.byteLength} bytes`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 5).map((k) => JSON.stringify(k));
    if (keys.length > 5) shown.push("...");
    return keys.length === 0 ? "an empty object" : `an object with keys ${shown.join(", ")}`;
  }
  if (typeof value === "string") {
    const text = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `the string ${JSON.stringify(text)}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** The pair, or what is wrong with it (a message without source and location). */
function checkedPair(name: unknown, doc: unknown, encodedLength: number): DocumentPair | string {
  if (typeof name !== "string" || !KNOWN_NAMES.has(name)) {
    const found = typeof name === "string" ? JSON.stringify(name) : describeValue(name);
    return `unknown document name ${found} (expected one of ${DOCUMENT_NAMES.join(", ")})`;
  }
  if (!isPlainObject(doc)) return `the ${name} document is ${describeValue(doc)}, not an object`;
  if (mayNestTooDeeply(encodedLength) && nestsDeeperThan(doc)) return `the ${name} document is ${TOO_DEEP}`;
  return [name, doc] as DocumentPair;
}

/**
 * The DocumentPair held by `value`, which must have the given shape, or a message saying what was found
 * instead (for readers that place the error themselves, such as the JSON Lines parse workers).
 * `encodedLength`: the bytes or characters the value took in the input, when known (see mayNestTooDeeply).
 */
export function documentPairOrProblem(
  value: unknown,
  shape: DocumentShape,
  encodedLength = Number.POSITIVE_INFINITY,
): DocumentPair | string {
  if (shape === "pair") {
    if (Array.isArray(value) && value.length === 2) return checkedPair(value[0], value[1], encodedLength);
    return `expected a [name, doc] pair, found ${describeValue(value)}`;
  }
  if (isPlainObject(value) && "name" in value && "doc" in value)
    return checkedPair(value.name, value.doc, encodedLength);
  return `expected a {"name", "doc"} object, found ${describeValue(value)}`;
}

/**
 * The DocumentPair held by `value`, which must have the given shape; throws UnreadableError naming `source`
 * and `location` (`line N` or `byte N`) and what was found otherwise.
 */
export function toDocumentPair(
  value: unknown,
  shape: DocumentShape,
  source: string,
  location: string,
  encodedLength?: number,
): DocumentPair {
  const pair = documentPairOrProblem(value, shape, encodedLength);
  if (typeof pair === "string") throw new UnreadableError(source, location, pair);
  return pair;
}
