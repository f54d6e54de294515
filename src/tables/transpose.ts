// Permutes the axes of an NDArray into a new C-order array (numpy's `transpose(axes)`).
// Used to bring Fortran-ordered file data into C order, and by callers that want another axis first.
import { ValidationError } from "../errors.ts";
import { allocate } from "./DType.ts";
import { cStrides, elementCount, type NDArray } from "./NDArray.ts";

/** Returns `array` with axis `axes[k]` as its k-th axis (default: all axes reversed). */
export function transpose(array: NDArray, axes?: readonly number[]): NDArray {
  const rank = array.shape.length;
  const order = axes ? [...axes] : array.shape.map((_, axis) => rank - 1 - axis);
  if (order.length !== rank || new Set(order).size !== rank || order.some((a) => a < 0 || a >= rank)) {
    throw new ValidationError(`axes [${order.join(", ")}] are not a permutation of ${rank} axes`);
  }
  const shape = order.map((axis) => array.shape[axis]);
  const inStrides = cStrides(array.shape);
  const strides = order.map((axis) => inStrides[axis]);
  const total = elementCount(shape);
  const out = allocate(array.dtype, total) as { [i: number]: unknown };
  const data = array.data;
  if (rank === 0 || total === 0) {
    if (total > 0) out[0] = data[0];
    return { shape, dtype: array.dtype, data: out as NDArray["data"] };
  }
  // Odometer over the output index; `source` follows it through the input's strides.
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  const last = rank - 1;
  for (let written = 0; written < total; ) {
    const n = shape[last];
    const step = strides[last];
    for (let i = 0; i < n; i++) out[written++] = data[source + i * step];
    for (let axis = last - 1; axis >= 0; axis--) {
      index[axis]++;
      source += strides[axis];
      if (index[axis] < shape[axis]) break;
      source -= strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
  return { shape, dtype: array.dtype, data: out as NDArray["data"] };
}
