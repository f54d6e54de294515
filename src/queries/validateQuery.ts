// Validation of query values from outside (saved JSON, builders' arguments, parsed text, Tiled parameters):
// every problem becomes a Finding naming the JSON path (`$.queries[1].value`) and the rule it breaks, and a
// valid value comes back built (frozen, canonical, chainable).
import { type Finding, ValidationError } from "../errors.ts";
import { wordsOf } from "./fullText.ts";
import { keyProblem } from "./keyPath.ts";
import { likeProblem } from "./likePattern.ts";
import { MIN_UID_PREFIX, type Query, type QueryOp } from "./Query.ts";
import { type Built, built } from "./queryValue.ts";
import { regexProblem } from "./regexPattern.ts";
import { timeZoneProblem } from "./timeParsing.ts";

type Problem = { rule: string; message: string } | undefined;
type FieldCheck = (value: unknown, path: string, findings: Finding[]) => Problem;

interface FieldSpec {
  check: FieldCheck;
  optional?: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Adds a finding for every part of `value` that is not JSON (non-finite numbers, undefined, functions...). */
function jsonProblem(value: unknown, path: string, findings: Finding[]): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) findings.push(finding(path, "type", `${value} is not a JSON number`));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      jsonProblem(item, `${path}[${index}]`, findings);
    });
  } else if (isObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) jsonProblem(item, `${path}.${key}`, findings);
  } else findings.push(finding(path, "type", `a ${typeof value} is not a JSON value`));
}

function finding(path: string, rule: string, message: string): Finding {
  return { name: "query", path, rule, message };
}

const key: FieldSpec = {
  check: (value) => {
    const problem = keyProblem(value);
    return problem ? { rule: "key", message: problem } : undefined;
  },
};
const jsonValue: FieldSpec = {
  check: (value, path, findings) => {
    jsonProblem(value, path, findings);
    return undefined;
  },
};
const jsonList: FieldSpec = {
  check: (value, path, findings) => {
    if (!Array.isArray(value)) return { rule: "type", message: "must be a list of JSON values" };
    jsonProblem(value, path, findings);
    return undefined;
  },
};
const text = (extra?: (value: string) => string | undefined, rule = "pattern"): FieldSpec => ({
  check: (value) => {
    if (typeof value !== "string") return { rule: "type", message: "must be a string" };
    const problem = extra?.(value);
    return problem ? { rule, message: problem } : undefined;
  },
});
const boolean = (optional = false): FieldSpec => ({
  optional,
  check: (value) =>
    typeof value === "boolean" ? undefined : { rule: "type", message: "must be true or false" },
});
const oneOf = (values: string[], optional = false): FieldSpec => ({
  optional,
  check: (value) =>
    values.includes(value as string)
      ? undefined
      : { rule: "enum", message: `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}` },
});
const number = (optional = false, integer = false): FieldSpec => ({
  optional,
  check: (value) => {
    if (typeof value !== "number" || !Number.isFinite(value))
      return { rule: "type", message: "must be a finite number" };
    return integer && !Number.isInteger(value) ? { rule: "type", message: "must be an integer" } : undefined;
  },
});
const listOf = (item: FieldCheck, what: string): FieldSpec => ({
  check: (value, path, findings) => {
    if (!Array.isArray(value) || value.length === 0)
      return { rule: "type", message: `must be a non-empty list of ${what}` };
    value.forEach((element, index) => {
      const problem = item(element, `${path}[${index}]`, findings);
      if (problem) findings.push(finding(`${path}[${index}]`, problem.rule, problem.message));
    });
    return undefined;
  },
});
const queryList: FieldSpec = {
  check: (value, path, findings) => {
    if (!Array.isArray(value)) return { rule: "type", message: "must be a list of queries" };
    value.forEach((part, index) => {
      collectProblems(part, `${path}[${index}]`, findings);
    });
    return undefined;
  },
};
const subQuery: FieldSpec = {
  check: (value, path, findings) => {
    collectProblems(value, path, findings);
    return undefined;
  },
};
const duplicates = oneOf(["latest", "all", "error"], true);

const FIELDS: Record<QueryOp, Record<string, FieldSpec>> = {
  all: {},
  eq: { key, value: jsonValue },
  notEq: { key, value: jsonValue },
  comparison: {
    key,
    operator: oneOf(["lt", "le", "gt", "ge"]),
    value: {
      check: (value) =>
        typeof value === "string" || (typeof value === "number" && Number.isFinite(value))
          ? undefined
          : { rule: "type", message: "a comparison needs a finite number or a string" },
    },
  },
  in: { key, values: jsonList },
  notIn: { key, values: jsonList },
  contains: { key, value: jsonValue },
  like: { key, pattern: text(likeProblem) },
  regex: { key, pattern: text(regexProblem, "regex"), caseSensitive: boolean(true) },
  fullText: {
    text: text(
      (value) => (wordsOf(value).length === 0 ? "full text needs at least one word" : undefined),
      "words",
    ),
  },
  keyPresent: { key, exists: boolean(true) },
  timeRange: { since: number(true), until: number(true), timezone: text(timeZoneProblem, "time-zone") },
  scanId: {
    scanIds: listOf((value) => number(false, true).check(value, "", []), "integer scan_ids"),
    duplicates,
  },
  scanIdRange: { startId: number(false, true), endId: number(false, true), duplicates },
  partialUid: {
    prefixes: listOf((value) => {
      if (typeof value !== "string") return { rule: "type", message: "must be a string" };
      if ([...value].length < MIN_UID_PREFIX)
        return { rule: "min-length", message: `a partial uid needs at least ${MIN_UID_PREFIX} characters` };
      return value.includes(",") ? { rule: "pattern", message: "a partial uid holds no comma" } : undefined;
    }, "uid prefixes"),
  },
  and: { queries: queryList },
  or: { queries: queryList },
  not: { query: subQuery },
};

function collectProblems(value: unknown, path: string, findings: Finding[]): void {
  if (!isObject(value)) {
    findings.push(finding(path, "type", "a query is an object with an `op`"));
    return;
  }
  const op = value.op;
  if (typeof op !== "string" || !Object.hasOwn(FIELDS, op)) {
    findings.push(
      finding(
        `${path}.op`,
        "enum",
        `unknown query op ${JSON.stringify(op)}; one of ${Object.keys(FIELDS).join(", ")}`,
      ),
    );
    return;
  }
  const fields = FIELDS[op as QueryOp];
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
    const problem = spec.check(value[name], fieldPath, findings);
    if (problem) findings.push(finding(fieldPath, problem.rule, problem.message));
  }
  if (
    op === "timeRange" &&
    typeof value.since === "number" &&
    typeof value.until === "number" &&
    value.since > value.until
  )
    findings.push(finding(`${path}.until`, "range", "since must not be after until"));
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
