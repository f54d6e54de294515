// A disjunction of PostgreSQL conditions, FALSE when there are none (an empty OR is no SQL).

export function either(conditions: string[]): string {
  return conditions.length === 0 ? "FALSE" : `(${conditions.join(" OR ")})`;
}
