// Which fields of a stream hold one value per event (a table column: CSV, SPEC) and which hold an array per
// event (spectra, images: TIFF, HDF5), as the descriptors declare them. The declared shape decides, not the
// values, so a format knows its columns before reading any event.
import type { StreamLike } from "../../broker/BrokerLike.ts";

export interface ArrayField {
  name: string;
  /** The shape of one event's value, as declared (null for a length that varies). */
  shape: ReadonlyArray<number | null>;
}

/** A stream's fields split into scalar ones and array ones, each in the stream's order. */
export function fieldShapes(stream: StreamLike): { scalars: string[]; arrays: ArrayField[] } {
  const scalars: string[] = [];
  const arrays: ArrayField[] = [];
  for (const name of stream.fields) {
    const key = stream.dataKeys[name];
    const shape = key?.shape ?? [];
    if (shape.length === 0 && key?.dtype !== "array") scalars.push(name);
    else arrays.push({ name, shape });
  }
  return { scalars, arrays };
}

/** `name [3, 4]`: a field and its declared shape, as notes list them. */
export function describeArrayField(field: ArrayField): string {
  return `${field.name} [${field.shape.map((n) => n ?? "?").join(", ")}]`;
}
