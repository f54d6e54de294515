// Queries as JSON text for saved searches: the plain data as it is, read back with full validation
// (ValidationError whose findings name the JSON path and the rule).
import { ValidationError } from "../errors.ts";
import type { Query } from "./Query.ts";
import type { Built } from "./queryValue.ts";
import { checkQuery } from "./validateQuery.ts";

export function queryToJSON(query: Query): string {
  return JSON.stringify(query);
}

/** A query from JSON text, or from an already parsed JSON value. */
export function queryFromJSON(json: unknown): Built {
  if (typeof json !== "string") return checkQuery(json);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    const message = `saved query is not JSON: ${(error as Error).message}`;
    throw new ValidationError(message, [{ name: "query", path: "$", rule: "json", message }]);
  }
  return checkQuery(value);
}
