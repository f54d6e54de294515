// A disjunction of PostgreSQL conditions, FALSE when there are none (an empty OR is no SQL). Shared by the
// compiler and the kinds' translations, which both join alternatives.

export function either(conditions: string[]): string {
  return conditions.length === 0 ? "FALSE" : `(${conditions.join(" OR ")})`;
}
