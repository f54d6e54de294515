// numpy-style basic indexing of an NDArray: `a[start:stop:step, i, ...]` along any axis, as a copy.
// An integer index drops its axis; missing trailing selectors take the whole axis; negatives count from the end.
import { ValidationError } from "../errors.ts";
import { allocate, isTypedArray, type TypedArray } from "./DType.ts";
import { cStrides, type NDArray } from "./NDArray.ts";

export interface SliceSpec {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** One axis' selector: an index, a range, numpy text (`"1:10:2"`, `"-1"`, `":"`) or null for all. */
export type Selector = number | SliceSpec | string | null | undefined;

interface AxisPick {
  start: number;
  step: number;
  count: number;
  /** An integer index: the axis disappears from the result. */
  drop: boolean;
}

/** Parses numpy/Tiled slice text such as `"0:2, 1"` or `"[::-1,3]"` into selectors. */
export function parseSelectors(text: string): Selector[] {
  const body = text.trim().replace(/^\[/, "").replace(/\]$/, "");
  if (body.trim() === "") return [];
  return body.split(",").map((part) => parseSelector(part));
}

function parseSelector(text: string): Selector {
  const parts = text.trim().split(":");
  if (parts.length > 3) throw new ValidationError(`invalid slice "${text.trim()}"`);
  const numbers = parts.map((part) => {
    const trimmed = part.trim();
    if (trimmed === "") return null;
    if (!/^[+-]?\d+$/.test(trimmed)) throw new ValidationError(`invalid slice "${text.trim()}"`);
    return Number(trimmed);
  });
  if (numbers.length === 1) {
    if (numbers[0] === null) throw new ValidationError("empty index in slice");
    return numbers[0];
  }
  return { start: numbers[0], stop: numbers[1], step: numbers[2] ?? null };
}

function pickAxis(selector: Selector, length: number, axis: number): AxisPick {
  if (selector === null || selector === undefined) return { start: 0, step: 1, count: length, drop: false };
  if (typeof selector === "string") return pickAxis(parseSelector(selector), length, axis);
  if (typeof selector === "number") {
    if (!Number.isInteger(selector)) throw new ValidationError(`index ${selector} is not an integer`);
    const index = selector < 0 ? selector + length : selector;
    if (index < 0 || index >= length) {
      throw new ValidationError(`index ${selector} is out of bounds for axis ${axis} with size ${length}`);
    }
    return { start: index, step: 1, count: 1, drop: true };
  }
  const step = selector.step ?? 1;
  if (!Number.isInteger(step) || step === 0)
    throw new ValidationError(`slice step must be a non-zero integer`);
  // numpy's rules: negatives count from the end, then clamp into the axis (one past each end).
  const bound = (value: number | null | undefined, fallback: number, low: number, high: number): number => {
    if (value === null || value === undefined) return fallback;
    const v = value < 0 ? value + length : value;
    return Math.min(Math.max(v, low), high);
  };
  const start =
    step > 0 ? bound(selector.start, 0, 0, length) : bound(selector.start, length - 1, -1, length - 1);
  const stop = step > 0 ? bound(selector.stop, length, 0, length) : bound(selector.stop, -1, -1, length - 1);
  const count = Math.max(0, Math.ceil((stop - start) / step));
  return { start, step, count, drop: false };
}

/** Selects a sub-array like numpy basic indexing; the result is a new C-order array. */
export function slice(array: NDArray, ...selectors: Selector[]): NDArray {
  const { shape, dtype, data } = array;
  if (selectors.length > shape.length) {
    throw new ValidationError(
      `too many indices: ${selectors.length} for an array of ${shape.length} dimensions`,
    );
  }
  const picks = shape.map((length, axis) => pickAxis(selectors[axis], length, axis));
  const strides = cStrides(shape);
  const counts = picks.map((p) => p.count);
  const total = counts.reduce((a, b) => a * b, 1);
  const out = allocate(dtype, total);
  const last = shape.length - 1;
  // The innermost axis is copied as one block when it is contiguous (step 1).
  const blockCopy = last >= 0 && picks[last].step === 1 && isTypedArray(data);
  let written = 0;
  const walk = (axis: number, offset: number): void => {
    const pick = picks[axis];
    if (axis === last) {
      const base = offset + pick.start * strides[axis];
      if (blockCopy) {
        (out as TypedArray).set((data as TypedArray).subarray(base, base + pick.count) as never, written);
        written += pick.count;
      } else {
        for (let i = 0; i < pick.count; i++) out[written++] = data[base + i * pick.step * strides[axis]];
      }
      return;
    }
    for (let i = 0; i < pick.count; i++)
      walk(axis + 1, offset + (pick.start + i * pick.step) * strides[axis]);
  };
  if (shape.length === 0) out[0] = data[0];
  else if (total > 0) walk(0, 0);
  const outShape = picks.filter((p) => !p.drop).map((p) => p.count);
  return { shape: outShape, dtype, data: out };
}
