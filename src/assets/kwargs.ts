// Checked access to `resource_kwargs`, `datum_kwargs` and StreamResource `parameters`: a wrong or missing
// value is a ValidationError naming the key and what was found.
import { ValidationError } from "../errors.ts";

type Kwargs = Readonly<Record<string, unknown>>;

/** A non-negative integer (JSON and msgpack may carry 3.0 for 3: integral floats are accepted). */
export function indexArgument(kwargs: Kwargs, key: string, where: string): number {
  const value = kwargs[key];
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === "bigint" && value >= 0n) return Number(value);
  throw new ValidationError(`${where}.${key} must be a non-negative integer, got ${describe(value)}`);
}

/** A positive integer with a default, e.g. `frame_per_point`. */
export function countArgument(kwargs: Kwargs, key: string, where: string, fallback: number): number {
  if (kwargs[key] === undefined || kwargs[key] === null) return fallback;
  const value = indexArgument(kwargs, key, where);
  if (value === 0) throw new ValidationError(`${where}.${key} must be at least 1, got 0`);
  return value;
}

export function stringArgument(kwargs: Kwargs, key: string, where: string, fallback?: string): string {
  const value = kwargs[key] ?? fallback;
  if (typeof value === "string") return value;
  throw new ValidationError(`${where}.${key} must be a string, got ${describe(value)}`);
}

function describe(value: unknown): string {
  return value === undefined
    ? "nothing"
    : JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v));
}
