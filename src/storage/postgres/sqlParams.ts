// Bound parameters of one SQL statement ($1, $2, ...): compiled queries never splice a value into SQL text.
// Also how a float8 parameter is written exactly.

export class SqlParams {
  readonly values: unknown[] = [];

  /** `$n`, with a cast when the type must be stated (PostgreSQL cannot infer it from `->` or `@>`). */
  bind(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/** A float8 as text, exactly: -0 keeps its sign (String(-0) is "0"); Infinity and NaN as PostgreSQL reads them. */
export function float8Text(value: number | null): string | null {
  if (value === null) return null;
  return Object.is(value, -0) ? "-0" : String(value);
}
