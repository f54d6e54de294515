// The kinds of value a configuration setting holds, each read from the file's YAML (typed) or from an
// environment variable's text, with the rule a wrong value breaks. Paths in the file are relative to the
// file's folder; paths from the environment to the current folder.
import { delimiter, isAbsolute, resolve } from "node:path";

export type ValueRule =
  | { type: "text" }
  | { type: "path" }
  | { type: "paths" }
  | { type: "names" }
  | { type: "whole"; min: number; max?: number }
  | { type: "boolean" }
  | { type: "envName" }
  | { type: "pathMap" };

export type Value = string | number | boolean | string[] | Record<string, string>;

/** What `rule` asks for, as an error message says it. */
export function ruleText(rule: ValueRule): string {
  switch (rule.type) {
    case "text":
      return "must be text";
    case "path":
      return "must be a path (text)";
    case "paths":
      return "must be a list of paths";
    case "names":
      return "must be a list of catalog names";
    case "whole":
      return rule.max === undefined
        ? `must be a whole number of ${rule.min} or more`
        : `must be a whole number from ${rule.min} to ${rule.max}`;
    case "boolean":
      return "must be true or false";
    case "envName":
      return "must name an environment variable (letters, digits and _)";
    case "pathMap":
      return "must map paths to paths (old: new)";
  }
}

/** `path` relative to `base` unless absolute (`~` is the shell's business, not ours). */
function resolvedPath(path: string, base: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A YAML value (as toJS gives it) checked against `rule`; paths resolved against `base`. Undefined when it
 * breaks the rule.
 */
export function valueFromFile(raw: unknown, rule: ValueRule, base: string): Value | undefined {
  switch (rule.type) {
    case "text":
      return typeof raw === "string" ? raw : undefined;
    case "path":
      return typeof raw === "string" && raw !== "" ? resolvedPath(raw, base) : undefined;
    case "paths":
    case "names": {
      if (!Array.isArray(raw) || !raw.every((item) => typeof item === "string" && item !== ""))
        return undefined;
      return rule.type === "paths" ? raw.map((item) => resolvedPath(item, base)) : raw;
    }
    case "whole":
      return typeof raw === "number" &&
        Number.isSafeInteger(raw) &&
        raw >= rule.min &&
        (rule.max === undefined || raw <= rule.max)
        ? raw
        : undefined;
    case "boolean":
      return typeof raw === "boolean" ? raw : undefined;
    case "envName":
      return typeof raw === "string" && ENV_NAME.test(raw) ? raw : undefined;
    case "pathMap": {
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
      const entries = Object.entries(raw);
      if (!entries.every(([, target]) => typeof target === "string" && target !== "")) return undefined;
      return Object.fromEntries(
        entries.map(([root, target]) => [root, resolvedPath(target as string, base)]),
      );
    }
  }
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** An environment variable's text as `rule` reads it; undefined when it breaks the rule. */
export function valueFromEnv(text: string, rule: ValueRule): Value | undefined {
  switch (rule.type) {
    case "whole": {
      const number = Number(text);
      return text.trim() !== "" && Number.isSafeInteger(number)
        ? valueFromFile(number, rule, process.cwd())
        : undefined;
    }
    case "boolean": {
      const word = text.trim().toLowerCase();
      return TRUE.has(word) ? true : FALSE.has(word) ? false : undefined;
    }
    case "paths":
    case "names":
      return valueFromFile(
        text.split(delimiter).filter((part) => part !== ""),
        rule,
        process.cwd(),
      );
    default:
      return valueFromFile(text, rule, process.cwd());
  }
}
