// JSON Schema type tests exactly as ajv (Ajv2020, strict: false) judges them, and the schemas' key and string
// patterns as character loops. Shared by every document check; none of them allocates.

/** `type: "object"`: any non-null, non-array object (typed arrays and Buffers count, as in ajv). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === "string";
}

/** `type: "number"`: with strictNumbers off (as strict: false sets it) NaN and ±Infinity are numbers too. */
export function isNumber(value: unknown): value is number {
  return typeof value === "number";
}

/** `type: "integer"`: ajv's `!(x % 1) && !isNaN(x)`, so 1.0 and ±Infinity pass and NaN does not. */
export function isInteger(value: unknown): value is number {
  // biome-ignore lint/suspicious/noSelfCompare: x === x is the allocation-free NaN test
  return typeof value === "number" && !(value % 1) && value === value;
}

export function isIntegerOrNull(value: unknown): boolean {
  return value === null || isInteger(value);
}

export function isNumberOrNull(value: unknown): boolean {
  return value === null || typeof value === "number";
}

export function isStringOrNull(value: unknown): boolean {
  return value === null || typeof value === "string";
}

export function isBooleanOrString(value: unknown): boolean {
  return typeof value === "boolean" || typeof value === "string";
}

/** Present in ajv's sense (`data[key] !== undefined`): the only test `required` and a bare `{}` make. */
export function isPresent(value: unknown): boolean {
  return value !== undefined;
}

/**
 * `^([^./]+)$`, the metadata key rule that keeps keys usable in MongoDB: non-empty, no "." and no "/".
 * Two native `indexOf` scans beat both the regex and a charCodeAt loop on real descriptors (~20 chars a key).
 */
export function isSafeKey(key: string): boolean {
  return key.length > 0 && key.indexOf(".") === -1 && key.indexOf("/") === -1;
}

/** `^.*$` under the `u` flag: `.` stops at line terminators (\n, \r, U+2028, U+2029); "" matches. */
export function hasNoLineTerminator(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code === 10 || code === 13 || code === 0x2028 || code === 0x2029) return false;
  }
  return true;
}

function isUpperAsciiLetter(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `external`'s `^[A-Z]+:?`: anchored only at the start, so one leading capital letter decides. */
export function isExternalTag(text: string): boolean {
  return text.length > 0 && isUpperAsciiLetter(text.charCodeAt(0));
}

const DTYPE_KINDS = "tbiufcmMOSUV";

/** `[|<>][tbiufcmMOSUV][0-9]+`, unanchored: the string merely has to contain such a run (e.g. "<f8"). */
export function containsNumpyDtype(text: string): boolean {
  for (let i = 0; i + 2 < text.length; i++) {
    const order = text.charCodeAt(i);
    if (order !== 124 && order !== 60 && order !== 62) continue; // "|", "<", ">"
    if (DTYPE_KINDS.includes(text[i + 1]) && isAsciiDigit(text.charCodeAt(i + 2))) return true;
  }
  return false;
}

/** `^NX[A-Za-z_]+$`: a NeXus class name such as NXdetector. */
export function isNexusClass(text: string): boolean {
  if (text.length < 3 || text.charCodeAt(0) !== 78 || text.charCodeAt(1) !== 88) return false;
  for (let i = 2; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const letter = isUpperAsciiLetter(code) || (code >= 97 && code <= 122);
    if (!letter && code !== 95) return false;
  }
  return true;
}
