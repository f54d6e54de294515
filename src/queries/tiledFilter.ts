// One Tiled filter, `filter[<name>][condition][<field>]=<value>`, as the kinds encode and decode it: Tiled's
// field encodings (JSON for values and lists, raw text elsewhere) and its key spelling (start keys carry an
// explicit `start.`, as a Tiled BlueskyRun's metadata is {start, stop, ...}).
import type { Finding } from "../errors.ts";
import type { QueryKey } from "./Query.ts";

/** A filter's fields by Tiled's field name. */
export type TiledFields = Record<string, string>;

/** First segments that name what a key reaches (keyPath.ts): start keys without one get `start.`. */
const DOCUMENT_PREFIXES = new Set(["start", "stop", "descriptors", "annotations", "tags"]);

/** A key as Tiled names it: start keys get `start.` so a Tiled catalog of BlueskyRuns reads them. */
export function tiledKey(key: QueryKey): string {
  return DOCUMENT_PREFIXES.has(key.split(".")[0]) ? key : `start.${key}`;
}

/** A key from Tiled: `start.` dropped unless what follows would then read as another document. */
function ourKey(key: string): QueryKey {
  if (!key.startsWith("start.")) return key;
  const rest = key.slice("start.".length);
  return DOCUMENT_PREFIXES.has(rest.split(".")[0]) ? key : rest;
}

/** Reads one filter's fields; malformed fields become findings naming the parameter. */
export class FilterReader {
  readonly findings: Finding[] = [];
  constructor(
    readonly name: string,
    readonly fields: Record<string, string | undefined>,
  ) {}

  private param(field: string): string {
    return `filter[${this.name}][condition][${field}]`;
  }

  private fail(field: string, rule: string, message: string): undefined {
    this.findings.push({ name: "query", path: this.param(field), rule, message });
    return undefined;
  }

  raw(field: string, optional = false): string | undefined {
    const value = this.fields[field];
    if (value === undefined && !optional) return this.fail(field, "required", `${this.name} needs ${field}`);
    return value;
  }

  json(field: string): unknown {
    const text = this.raw(field);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return this.fail(field, "json", `${JSON.stringify(text)} is not JSON (strings are sent quoted)`);
    }
  }

  boolean(field: string, fallback: boolean): boolean {
    const text = this.raw(field, true);
    if (text === undefined) return fallback;
    const lower = text.toLowerCase();
    if (["true", "1", "yes", "on"].includes(lower)) return true;
    if (["false", "0", "no", "off"].includes(lower)) return false;
    this.fail(field, "type", `${JSON.stringify(text)} is not true or false`);
    return fallback;
  }

  number(field: string, optional = false): number | undefined {
    const text = this.raw(field, optional);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value))
      return this.fail(field, "type", `${JSON.stringify(text)} is not a number`);
    return value;
  }

  key(): QueryKey {
    return ourKey(this.raw("key") ?? "");
  }
}

/** The Tiled form of a kind that tests a key against JSON in one field (`value` or `values`). */
export function keyValueTiled<Q extends { op: string; key: QueryKey }, F extends keyof Q & string>(
  name: string,
  field: F,
  make: (key: QueryKey, value: Q[F]) => Q,
): {
  name: string;
  fieldNames: Record<string, string>;
  encode(query: Q): TiledFields;
  decode(reader: FilterReader): Q;
} {
  return {
    name,
    fieldNames: { [field]: "value" },
    encode: (query) => ({ key: tiledKey(query.key), value: JSON.stringify(query[field]) }),
    decode: (reader) => make(reader.key(), reader.json("value") as Q[F]),
  };
}
