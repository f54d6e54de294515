// Writers of one array: raw C-order little-endian bytes of the declared numpy type (strings as fixed-width
// UTF-32), nested JSON lists, and CSV for at most two dimensions (one row per line, no header).

import { floatText } from "../../documents/floatMarks.ts";
import { isFloat, isTypedArray, type TypedArray } from "../../tables/DType.ts";
import { jsonSafe, jsonSafeText } from "../../tables/jsonColumns.ts";
import { toNested } from "../../tables/NDArray.ts";
import { NotAcceptableError } from "../errors.ts";
import type { ServedArray } from "../nodes/Node.ts";

/** The bytes numpy's `frombuffer(body, dtype).reshape(shape)` reads back. */
export function arrayBytes({ array, dataType }: ServedArray): Uint8Array {
  if (isTypedArray(array.data)) {
    const data = array.data as TypedArray;
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  // Strings: each element as `itemsize / 4` UTF-32LE code points, zero-padded (numpy's `<U<n>`).
  const width = dataType.itemsize / 4;
  const out = new Uint32Array(array.data.length * width);
  array.data.forEach((value, i) => {
    const codePoints = [...String(value ?? "")].slice(0, width);
    codePoints.forEach((char, j) => {
      out[i * width + j] = char.codePointAt(0) ?? 0;
    });
  });
  return new Uint8Array(out.buffer);
}

/** Nested lists; the numbers of a float array written as floats (1.0), as numpy's float64 went in. */
export function arrayJson({ array }: ServedArray): string {
  return jsonSafeText(toNested(array), isFloat(array.dtype));
}

function csvCell(value: unknown, float: boolean): string {
  const safe = jsonSafe(value);
  const text = float && typeof safe === "number" ? floatText(safe) : String(safe ?? "");
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function arrayCsv({ array }: ServedArray): string {
  if (array.shape.length > 2)
    throw new NotAcceptableError(`CSV holds at most 2 dimensions, this array has ${array.shape.length}`, [
      "application/octet-stream",
      "application/json",
    ]);
  const nested = toNested(array);
  const rows =
    array.shape.length === 0
      ? [[nested]]
      : (nested as unknown[]).map((row) => (Array.isArray(row) ? row : [row]));
  const float = isFloat(array.dtype);
  return rows.map((row) => `${row.map((cell) => csvCell(cell, float)).join(",")}\n`).join("");
}
