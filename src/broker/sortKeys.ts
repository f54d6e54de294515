// Sort orders for run listings: SortKey values, or text as users type it, `scan_id` (ascending), `-time`
// (descending), several separated by commas (`plan_name,-scan_id`).
import type { SortKey, SortSpec } from "../catalog/SortKey.ts";
import { ValidationError } from "../errors.ts";

export function toSortKeys(spec: SortSpec | undefined): SortKey[] | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec !== "string") return [...spec];
  const keys = spec
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part): SortKey => {
      const descending = part.startsWith("-");
      const key = descending || part.startsWith("+") ? part.slice(1) : part;
      if (key === "")
        throw new ValidationError(`sort ${JSON.stringify(spec)}: a key is missing after "${part[0]}"`);
      return { key, direction: descending ? "desc" : "asc" };
    });
  return keys.length > 0 ? keys : undefined;
}
