// Validation of query values from outside (saved JSON, builders' arguments, parsed text, Tiled parameters):
// every problem becomes a Finding naming the JSON path (`$.queries[1].value`) and the rule it breaks, and a
// valid value comes back built (frozen, canonical, chainable). The rules are the registered kinds' own.
import { type Finding, ValidationError } from "../errors.ts";
import { finding, isObject } from "./fieldChecks.ts";
import { queryKind, queryOps } from "./kinds/index.ts";
import type { Query } from "./Query.ts";
import { type Built, built } from "./queryValue.ts";

function collectProblems(value: unknown, path: string, findings: Finding[]): void {
  if (!isObject(value)) {
    findings.push(finding(path, "type", "a query is an object with an `op`"));
    return;
  }
  const op = value.op;
  const kind = typeof op === "string" ? queryKind(op) : undefined;
  if (!kind) {
    findings.push(
      finding(
        `${path}.op`,
        "enum",
        `unknown query op ${JSON.stringify(op)}; one of ${queryOps().join(", ")}`,
      ),
    );
    return;
  }
  const fields = kind.fields;
  for (const name of Object.keys(value)) {
    if (name !== "op" && !Object.hasOwn(fields, name) && value[name] !== undefined)
      findings.push(finding(`${path}.${name}`, "additional", `${op} has no field ${name}`));
  }
  for (const [name, spec] of Object.entries(fields)) {
    const fieldPath = `${path}.${name}`;
    if (value[name] === undefined) {
      if (!spec.optional) findings.push(finding(fieldPath, "required", `${op} needs ${name}`));
      continue;
    }
    const problem = spec.check(value[name], fieldPath, findings, collectProblems);
    if (problem) findings.push(finding(fieldPath, problem.rule, problem.message));
  }
  kind.crossCheck?.(value as { op: string }, path, findings);
}

/** The findings of a would-be query (empty when valid). */
export function queryProblems(value: unknown): Finding[] {
  const findings: Finding[] = [];
  collectProblems(value, "$", findings);
  return findings;
}

/** The query, built; ValidationError listing every finding when it is not a valid query. */
export function checkQuery<Q extends Query = Query>(value: unknown): Built<Q> {
  const findings = queryProblems(value);
  if (findings.length > 0) {
    const first = findings[0];
    const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : "";
    throw new ValidationError(`invalid query: ${first.path}: ${first.message}${more}`, findings);
  }
  return built(value as Q);
}
