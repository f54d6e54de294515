// The checks a query kind declares for its fields when a query comes from outside (saved JSON, builders,
// parsed text, Tiled parameters): each names the rule a bad value breaks. Nested queries are checked by the
// validator passed in, so kinds that hold queries (and, or, not) need no import of the validator.
import type { Finding } from "../errors.ts";
import { keyProblem } from "./keyPath.ts";

export type Problem = { rule: string; message: string } | undefined;

/** Checks every query nested at `path`, adding its findings. */
export type NestedCheck = (value: unknown, path: string, findings: Finding[]) => void;

export type FieldCheck = (value: unknown, path: string, findings: Finding[], nested: NestedCheck) => Problem;

export interface FieldSpec {
  check: FieldCheck;
  optional?: boolean;
}

export type FieldSpecs = Record<string, FieldSpec>;

export function finding(path: string, rule: string, message: string): Finding {
  return { name: "query", path, rule, message };
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
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

export const keyField: FieldSpec = {
  check: (value) => {
    const problem = keyProblem(value);
    return problem ? { rule: "key", message: problem } : undefined;
  },
};
export const jsonValue: FieldSpec = {
  check: (value, path, findings) => {
    jsonProblem(value, path, findings);
    return undefined;
  },
};
export const jsonList: FieldSpec = {
  check: (value, path, findings) => {
    if (!Array.isArray(value)) return { rule: "type", message: "must be a list of JSON values" };
    jsonProblem(value, path, findings);
    return undefined;
  },
};
export const text = (extra?: (value: string) => string | undefined, rule = "pattern"): FieldSpec => ({
  check: (value) => {
    if (typeof value !== "string") return { rule: "type", message: "must be a string" };
    const problem = extra?.(value);
    return problem ? { rule, message: problem } : undefined;
  },
});
export const boolean = (optional = false): FieldSpec => ({
  optional,
  check: (value) =>
    typeof value === "boolean" ? undefined : { rule: "type", message: "must be true or false" },
});
export const oneOf = (values: readonly string[], optional = false): FieldSpec => ({
  optional,
  check: (value) =>
    values.includes(value as string)
      ? undefined
      : { rule: "enum", message: `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}` },
});
export const number = (optional = false, integer = false): FieldSpec => ({
  optional,
  check: (value) => {
    if (typeof value !== "number" || !Number.isFinite(value))
      return { rule: "type", message: "must be a finite number" };
    return integer && !Number.isInteger(value) ? { rule: "type", message: "must be an integer" } : undefined;
  },
});
export const listOf = (item: (value: unknown) => Problem, what: string): FieldSpec => ({
  check: (value, path, findings) => {
    if (!Array.isArray(value) || value.length === 0)
      return { rule: "type", message: `must be a non-empty list of ${what}` };
    value.forEach((element, index) => {
      const problem = item(element);
      if (problem) findings.push(finding(`${path}[${index}]`, problem.rule, problem.message));
    });
    return undefined;
  },
});
export const queryList: FieldSpec = {
  check: (value, path, findings, nested) => {
    if (!Array.isArray(value)) return { rule: "type", message: "must be a list of queries" };
    value.forEach((part, index) => {
      nested(part, `${path}[${index}]`, findings);
    });
    return undefined;
  },
};
export const subQuery: FieldSpec = {
  check: (value, path, findings, nested) => {
    nested(value, path, findings);
    return undefined;
  },
};
