// Reads what a caller sends to create or edit an annotation (JSON from HTTP, options from the command line,
// objects from the library) and checks it whole: every problem is a finding naming the annotation's field and
// the rule, and nothing is stored unless there are none.
import { type Finding, ValidationError } from "../errors.ts";
import {
  type AnnotationContent,
  type AnnotationTarget,
  type AnnotationValue,
  RESERVED_NAMES,
  VISIBILITIES,
  type Visibility,
} from "./Annotation.ts";

const ANNOTATION_LIMITS = {
  bodyCharacters: 100_000,
  tags: 100,
  tagCharacters: 200,
  sharedWith: 1_000,
  valuesBytes: 100_000,
  depth: 32,
};

/** The fields a caller may send; anything else is refused by name. */
const FIELDS = new Set(["visibility", "shared_with", "tags", "body", "values", "target", "revision"]);

type Json = Record<string, unknown>;

class Findings {
  readonly list: Finding[] = [];
  add(path: string, rule: string, message: string): void {
    this.list.push({ name: "annotation", path, rule, message: `annotation ${path}: ${message}` });
  }
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function stringList(
  value: unknown,
  path: string,
  findings: Findings,
  most: number,
  longest: number,
): string[] {
  if (!Array.isArray(value)) {
    findings.add(path, "type", "must be a list of strings");
    return [];
  }
  if (value.length > most) findings.add(path, "limit", `at most ${most} entries, got ${value.length}`);
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const at = `${path}[${index}]`;
    if (typeof item !== "string" || item.trim() === "")
      findings.add(at, "type", "must be a non-empty string");
    else if (item.length > longest) findings.add(at, "limit", `at most ${longest} characters`);
    else if (hasControl(item)) findings.add(at, "characters", "must not hold control characters");
    else if (item !== item.trim()) findings.add(at, "whitespace", "must not start or end with white space");
    else seen.add(item);
  });
  return [...seen];
}

function checkValue(value: unknown, path: string, findings: Findings, depth: number): void {
  if (depth > ANNOTATION_LIMITS.depth) {
    findings.add(path, "depth", `nested more than ${ANNOTATION_LIMITS.depth} levels`);
    return;
  }
  if (value === null || typeof value === "boolean" || typeof value === "string") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) findings.add(path, "type", "numbers must be finite");
    return;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkValue(item, `${path}[${index}]`, findings, depth + 1);
    return;
  }
  if (typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "" || key.includes(".") || key.includes('"') || hasControl(key))
        findings.add(
          `${path}.${key}`,
          "key",
          "keys are non-empty and hold no '.', '\"' or control characters",
        );
      checkValue(item, `${path}.${key}`, findings, depth + 1);
    }
    return;
  }
  findings.add(path, "type", "must be JSON");
}

function checkValues(value: unknown, findings: Findings): Record<string, AnnotationValue> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    findings.add("values", "type", "must be an object of key/values");
    return {};
  }
  for (const key of Object.keys(value)) {
    if (RESERVED_NAMES.has(key))
      findings.add(
        `values.${key}`,
        "reserved",
        `'${key}' is a field of every annotation; choose another name`,
      );
  }
  checkValue(value, "values", findings, 0);
  if (Buffer.byteLength(JSON.stringify(value)) > ANNOTATION_LIMITS.valuesBytes)
    findings.add("values", "limit", `at most ${ANNOTATION_LIMITS.valuesBytes} bytes as JSON`);
  return value as Record<string, AnnotationValue>;
}

function checkTarget(value: unknown, findings: Findings): AnnotationTarget | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    findings.add("target", "type", "must be an object with stream, field and/or seq");
    return undefined;
  }
  const target: AnnotationTarget = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "stream" || key === "field") {
      if (typeof item !== "string" || item === "" || hasControl(item))
        findings.add(`target.${key}`, "type", "must be a non-empty name");
      else target[key] = item;
    } else if (key === "seq") {
      const range = Array.isArray(item) ? item : [];
      const [from, to] = range;
      if (
        range.length !== 2 ||
        !Number.isSafeInteger(from) ||
        !Number.isSafeInteger(to) ||
        from < 1 ||
        to < from
      )
        findings.add("target.seq", "range", "must be [first, last] seq_nums with 1 <= first <= last");
      else target.seq = [from, to];
    } else findings.add(`target.${key}`, "unknown", "is not a target field (stream, field, seq)");
  }
  if (target.field !== undefined && target.stream === undefined)
    findings.add("target.field", "stream", "a field is named within a stream: give target.stream too");
  if (target.seq !== undefined && target.stream === undefined)
    findings.add("target.seq", "stream", "seq_nums count within a stream: give target.stream too");
  return Object.keys(target).length > 0 ? target : undefined;
}

/** What an edit asks for: the fields it changes, and the revision it was made from (when given). */
export interface AnnotationInput {
  content: Partial<AnnotationContent>;
  revision?: number;
}

/**
 * Reads a create or edit request. Throws ValidationError listing every finding: unknown fields, types,
 * reserved or malformed value keys, limits, a target that does not name a stream.
 */
export function readAnnotationInput(input: unknown): AnnotationInput {
  const findings = new Findings();
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new ValidationError("an annotation must be a JSON object", [
      { name: "annotation", path: "", rule: "type", message: "an annotation must be a JSON object" },
    ]);
  const json = input as Json;
  const content: Partial<AnnotationContent> = {};
  for (const key of Object.keys(json)) {
    if (!FIELDS.has(key))
      findings.add(key, "unknown", `is not a field one may set (${[...FIELDS].join(", ")})`);
  }
  if (json.visibility !== undefined) {
    if (!VISIBILITIES.includes(json.visibility as Visibility))
      findings.add("visibility", "enum", `must be one of ${VISIBILITIES.join(", ")}`);
    else content.visibility = json.visibility as Visibility;
  }
  if (json.shared_with !== undefined)
    content.shared_with = stringList(
      json.shared_with,
      "shared_with",
      findings,
      ANNOTATION_LIMITS.sharedWith,
      256,
    );
  if (json.tags !== undefined)
    content.tags = stringList(
      json.tags,
      "tags",
      findings,
      ANNOTATION_LIMITS.tags,
      ANNOTATION_LIMITS.tagCharacters,
    );
  if (json.body !== undefined) {
    if (typeof json.body !== "string") findings.add("body", "type", "must be a string");
    else if (json.body.length > ANNOTATION_LIMITS.bodyCharacters)
      findings.add("body", "limit", `at most ${ANNOTATION_LIMITS.bodyCharacters} characters`);
    else content.body = json.body;
  }
  if (json.values !== undefined) content.values = checkValues(json.values, findings);
  if ("target" in json) content.target = checkTarget(json.target, findings);
  let revision: number | undefined;
  if (json.revision !== undefined) {
    if (!Number.isSafeInteger(json.revision) || (json.revision as number) < 1)
      findings.add("revision", "type", "must be the revision number the change was made from (1 or more)");
    else revision = json.revision as number;
  }
  if (findings.list.length > 0) {
    const [first] = findings.list;
    const more = findings.list.length > 1 ? ` (and ${findings.list.length - 1} more)` : "";
    throw new ValidationError(`${first.message}${more}`, findings.list);
  }
  return { content, revision };
}

/** A new annotation's content: defaults for what the caller left out, then the rules across fields. */
export function completeContent(content: Partial<AnnotationContent>): AnnotationContent {
  const complete: AnnotationContent = {
    visibility: content.visibility ?? "beamtime",
    shared_with: content.shared_with ?? [],
    tags: content.tags ?? [],
    body: content.body ?? "",
    values: content.values ?? {},
  };
  if (content.target) complete.target = content.target;
  checkAcrossFields(complete);
  return complete;
}

/** Rules between fields, checked on the content an annotation will hold. */
export function checkAcrossFields(content: AnnotationContent): void {
  const findings = new Findings();
  if (content.visibility === "users" && content.shared_with.length === 0)
    findings.add("shared_with", "required", "a 'users' annotation names the users it is shared with");
  if (content.visibility !== "users" && content.shared_with.length > 0)
    findings.add(
      "shared_with",
      "visibility",
      `only a 'users' annotation is shared with users, not a '${content.visibility}' one`,
    );
  if (content.tags.length === 0 && content.body === "" && Object.keys(content.values).length === 0)
    findings.add("", "empty", "says nothing: give tags, a body or values");
  if (findings.list.length > 0) throw new ValidationError(findings.list[0].message, findings.list);
}
