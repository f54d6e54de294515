// An n-dimensional array: a shape, a dtype and flat C-order data (typed where the dtype allows).
// Built from typed arrays or nested lists, and turned back into nested lists for JSON and rows.
import { ValidationError } from "../errors.ts";
import {
  type DType,
  dtypeOfTypedArray,
  elementValue,
  fromValues,
  inferDType,
  isTypedArray,
  type TypedArray,
  typedArrayClass,
} from "./DType.ts";

export interface NDArray {
  shape: number[];
  dtype: DType;
  /** Elements in C (row-major) order; bool as 0/1 in a Uint8Array, int64/uint64 as bigint. */
  data: TypedArray | unknown[];
}

/** Number of elements of a shape (1 for the scalar shape `[]`). */
export function elementCount(shapeOrArray: readonly number[] | NDArray): number {
  const shape = Array.isArray(shapeOrArray) ? shapeOrArray : (shapeOrArray as NDArray).shape;
  let count = 1;
  for (const n of shape) count *= n;
  return count;
}

/** Wraps flat data as an NDArray after checking that shape and storage agree (no copy). */
export function ndarray(data: TypedArray | unknown[], shape?: readonly number[], dtype?: DType): NDArray {
  const resolvedShape = shape ? [...shape] : [data.length];
  if (resolvedShape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ValidationError(`invalid shape [${resolvedShape.join(", ")}]`);
  }
  const count = elementCount(resolvedShape);
  if (count !== data.length) {
    throw new ValidationError(
      `shape [${resolvedShape.join(", ")}] needs ${count} elements, got ${data.length}`,
    );
  }
  const resolvedDType = dtype ?? (isTypedArray(data) ? dtypeOfTypedArray(data) : inferDType(data));
  const Class = typedArrayClass(resolvedDType);
  if (Class && !(data instanceof Class)) {
    throw new ValidationError(`dtype ${resolvedDType} needs a ${Class.name}, got ${data.constructor.name}`);
  }
  if (!Class && isTypedArray(data)) {
    throw new ValidationError(
      `dtype ${resolvedDType} is held in a plain array, got ${data.constructor.name}`,
    );
  }
  return { shape: resolvedShape, dtype: resolvedDType, data };
}

export function isNDArray(value: unknown): value is NDArray {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<NDArray>;
  return (
    Array.isArray(v.shape) && typeof v.dtype === "string" && (Array.isArray(v.data) || isTypedArray(v.data))
  );
}

/**
 * Builds an NDArray from a scalar or (regular) nested lists. The shape is read from the nesting; a
 * ragged list is a ValidationError. The dtype is inferred from the leaves unless given.
 */
export function fromNested(value: unknown, dtype?: DType): NDArray {
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level) || isTypedArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const leaves: unknown[] = [];
  const collect = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw new ValidationError("ragged nested list: deeper than its first element");
      leaves.push(node);
      return;
    }
    if (!(Array.isArray(node) || isTypedArray(node)) || node.length !== shape[depth]) {
      throw new ValidationError(`ragged nested list: expected length ${shape[depth]} at depth ${depth}`);
    }
    for (let i = 0; i < node.length; i++) collect(node[i], depth + 1);
  };
  collect(value, 0);
  const resolved = dtype ?? inferDType(leaves);
  return { shape, dtype: resolved, data: fromValues(resolved, leaves) };
}

/**
 * Nested lists in C order: a scalar for shape `[]`, else arrays of arrays. bool elements become
 * booleans; int64/uint64 stay bigint (JSON conversion is the caller's choice).
 */
export function toNested(array: NDArray): unknown {
  const { shape, dtype, data } = array;
  if (shape.length === 0) return elementValue(dtype, data, 0);
  let offset = 0;
  const build = (axis: number): unknown[] => {
    const n = shape[axis];
    const out = new Array<unknown>(n);
    if (axis === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = elementValue(dtype, data, offset++);
    } else {
      for (let i = 0; i < n; i++) out[i] = build(axis + 1);
    }
    return out;
  };
  return build(0);
}

/** Strides (in elements) of a C-order array of `shape`. */
export function cStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = step;
    step *= shape[axis];
  }
  return strides;
}
