// Joins NDArrays along a leading axis: `stack` adds one (events of shape S become [n, ...S]);
// `concatenate` joins along the existing first axis (blocks of frames become one block).
import { ValidationError } from "../errors.ts";
import { allocate, type DType, fromValues, isTypedArray, promote, type TypedArray } from "./DType.ts";
import { elementCount, type NDArray } from "./NDArray.ts";

/**
 * Stacks equally-shaped arrays into one of shape `[arrays.length, ...shape]`. Differing dtypes are
 * promoted (numeric to float64, else object). With no arrays the result is `[0, ...emptyShape]`.
 */
export function stack(
  arrays: readonly NDArray[],
  empty: { dtype: DType; shape: number[] } = emptyDefault,
): NDArray {
  if (arrays.length === 0)
    return { shape: [0, ...empty.shape], dtype: empty.dtype, data: allocate(empty.dtype, 0) };
  const shape = arrays[0].shape;
  arrays.forEach((array, i) => {
    if (array.shape.length !== shape.length || array.shape.some((n, axis) => n !== shape[axis])) {
      throw new ValidationError(
        `cannot stack: array ${i} has shape [${array.shape.join(", ")}], array 0 has [${shape.join(", ")}]`,
      );
    }
  });
  return { shape: [arrays.length, ...shape], dtype: commonDType(arrays), data: joinData(arrays) };
}

/** Joins arrays along axis 0; all other axes must agree. */
export function concatenate(arrays: readonly NDArray[]): NDArray {
  if (arrays.length === 0) throw new ValidationError("cannot concatenate no arrays");
  const rest = arrays[0].shape.slice(1);
  let rows = 0;
  arrays.forEach((array, i) => {
    const other = array.shape.slice(1);
    if (
      array.shape.length === 0 ||
      other.length !== rest.length ||
      other.some((n, axis) => n !== rest[axis])
    ) {
      throw new ValidationError(
        `cannot concatenate: array ${i} has shape [${array.shape.join(", ")}], array 0 has [${arrays[0].shape.join(", ")}]`,
      );
    }
    rows += array.shape[0];
  });
  return { shape: [rows, ...rest], dtype: commonDType(arrays), data: joinData(arrays) };
}

const emptyDefault = { dtype: "float64" as DType, shape: [] as number[] };

function commonDType(arrays: readonly NDArray[]): DType {
  return arrays.reduce<DType>((dtype, array) => promote(dtype, array.dtype), arrays[0].dtype);
}

function joinData(arrays: readonly NDArray[]): NDArray["data"] {
  const dtype = commonDType(arrays);
  const total = arrays.reduce((sum, array) => sum + elementCount(array.shape), 0);
  const out = allocate(dtype, total);
  let offset = 0;
  for (const array of arrays) {
    // Same storage class: one block copy; otherwise convert element by element.
    const source =
      array.dtype === dtype ? array.data : fromValues(dtype, Array.from(array.data as ArrayLike<unknown>));
    if (isTypedArray(out)) (out as TypedArray).set(source as never, offset);
    else for (let i = 0; i < source.length; i++) out[offset + i] = source[i];
    offset += source.length;
  }
  return out;
}
