// Distinct values and field listings of a federation: each source's answer folded into one, as one catalog
// holding every source's runs would answer (counts summed: a run two sources hold counts in both).
import { type DistinctValue, sortDistinct } from "../../queries/distinct.ts";
import { type FieldListing, sortFieldListing } from "../../queries/fieldListing.ts";

export function mergeDistinct(answers: readonly DistinctValue[][]): DistinctValue[] {
  const merged = new Map<string, DistinctValue>();
  for (const answer of answers)
    for (const { value, count } of answer) {
      const key = JSON.stringify(value);
      const seen = merged.get(key);
      if (seen) seen.count += count;
      else merged.set(key, { value, count });
    }
  return sortDistinct([...merged.values()]);
}

const sameShape = (a: number[] | null, b: number[] | null) =>
  a !== null && b !== null && a.length === b.length && a.every((extent, i) => extent === b[i]);

function lower(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function higher(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

export function mergeFieldListings(answers: readonly FieldListing[][]): FieldListing[] {
  const merged = new Map<string, FieldListing>();
  for (const answer of answers)
    for (const row of answer) {
      const key = JSON.stringify([row.stream, row.field]);
      const seen = merged.get(key);
      if (!seen) {
        merged.set(key, { ...row, shape: row.shape && [...row.shape] });
        continue;
      }
      seen.runs += row.runs;
      seen.events += row.events;
      seen.notIndexed += row.notIndexed;
      seen.min = lower(seen.min, row.min);
      seen.max = higher(seen.max, row.max);
      // A source without events of the field has no say on its shape (as within one catalog).
      if (row.events > 0)
        seen.shape =
          seen.events === row.events ? row.shape : sameShape(seen.shape, row.shape) ? seen.shape : null;
    }
  return sortFieldListing([...merged.values()]);
}
