// The dataShape kind: every event of a stream's field has one shape (search into data):
// `primary.img.shape == [512, 512]`; `[]` is a scalar field.
import { dataPath, indexedFieldStats, nameProblem } from "../dataKey.ts";
import { listOf } from "../fieldChecks.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKind } from "./QueryKind.ts";

/** Every event of `field` in the run's stream `stream` holds a value of shape `shape` (and there is one). */
export interface DataShape {
  op: "dataShape";
  stream: string;
  field: string;
  shape: number[];
}

export const dataShapeQuery = (stream: string, field: string, shape: number[]): DataShape => ({
  op: "dataShape",
  stream,
  field,
  shape,
});

const name = { check: nameProblem };
const extent = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= 0
    ? undefined
    : { rule: "type", message: "an extent is a whole number >= 0" };

export const dataShapeKind: QueryKind<DataShape> = {
  op: "dataShape",
  fields: {
    stream: name,
    field: name,
    // A scalar's shape is the empty list, which listOf refuses: checked here instead.
    shape: {
      check: (value, path, findings) =>
        Array.isArray(value) && value.length === 0
          ? undefined
          : listOf(extent, "extents").check(value, path, findings, () => {}),
    },
  },
  format: (query) => `${dataPath(query.stream, query.field)}.shape == ${JSON.stringify(query.shape)}`,
  tiled: {
    name: "datashape",
    encode: (query) => ({ stream: query.stream, field: query.field, shape: JSON.stringify(query.shape) }),
    decode: (reader) =>
      dataShapeQuery(reader.raw("stream") ?? "", reader.raw("field") ?? "", reader.json("shape") as number[]),
  },
};

/** The JSON text of a shape, as the SQL adapters compare it. */
export const shapeText = (shape: readonly number[]): string => JSON.stringify(shape);

export const matchDataShape: MemoryTranslation<DataShape> = (query) => (run) => {
  const stats = indexedFieldStats(run, query.stream, query.field);
  return !!stats?.shape && shapeText(stats.shape) === shapeText(query.shape);
};
