// The check of a configuration file: which keys it may hold (snake_case; the sections come from the settings
// table, settings.ts), each value's type, and the catalogs: each a URI (with its key's environment variable,
// root_map, file roots and time limit) or a federation of other catalogs by name, never a literal key, never
// an unknown name or a cycle. Every finding names file, line and key; unknown keys get a "did you mean".
import { dirname, isAbsolute, resolve } from "node:path";
import { isMap, isScalar, isSeq, type Node, type Pair } from "yaml";
import type { ConfigProblem } from "./ConfigError.ts";
import { didYouMeanText } from "./closestName.ts";
import type { ConfigDocument } from "./configDocument.ts";
import { ruleText, type Value, type ValueRule, valueFromFile } from "./configValues.ts";
import { SETTINGS } from "./settings.ts";

export interface Located<T> {
  value: T;
  line?: number;
}

export interface CatalogEntry {
  name: string;
  line?: number;
  uri?: Located<string>;
  apiKeyEnv?: Located<string>;
  rootMap?: Located<Record<string, string>>;
  fileRoots?: Located<string[]>;
  timeoutMs?: Located<number>;
  /** The names of the catalogs it federates, each at its line. */
  federate?: Array<Located<string>>;
}

/** A checked configuration file: its settings by key path, its catalogs by name, and what is wrong. */
export interface ConfigFile {
  file: string;
  values: Map<string, Located<Value>>;
  catalogs: Map<string, CatalogEntry>;
  problems: ConfigProblem[];
}

type Shape = { [key: string]: Shape | ValueRule };

function isRule(shape: Shape | ValueRule): shape is ValueRule {
  return typeof (shape as ValueRule).type === "string";
}

/** The sections and leaves the settings table names (`server.oidc.issuer` -> server: {oidc: {issuer}}). */
function settingsShape(): Shape {
  const shape: Shape = {};
  for (const setting of SETTINGS) {
    const parts = setting.key.split(".");
    let section = shape;
    for (const part of parts.slice(0, -1)) section = (section[part] ??= {}) as Shape;
    section[parts[parts.length - 1]] = setting.rule;
  }
  return shape;
}

const CATALOG_KEYS = {
  uri: { type: "text" },
  api_key_env: { type: "envName" },
  root_map: { type: "pathMap" },
  file_roots: { type: "paths" },
  timeout_ms: { type: "whole", min: 1 },
  federate: { type: "names" },
} satisfies Record<string, ValueRule>;

/** A catalog name: never mistaken for a URI or a path. */
const CATALOG_NAME = /^[A-Za-z0-9_-]+$/;

/** Whether `text` is a catalog URI or path rather than a name (has a scheme, a slash or a dot). */
export function looksLikeUri(text: string): boolean {
  return /[:/.]/.test(text);
}

/** A catalog URI as the file gives it: a path (or sqlite:// with a relative path) is taken from the file's folder. */
function catalogUri(uri: string, base: string): string {
  const relativeSqlite = /^sqlite:\/\/([^/].*)$/.exec(uri);
  if (relativeSqlite) return `sqlite://${resolve(base, relativeSqlite[1])}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || isAbsolute(uri)) return uri;
  return resolve(base, uri);
}

class Checker {
  readonly out: ConfigFile;
  private readonly base: string;
  constructor(private readonly doc: ConfigDocument) {
    this.out = { file: doc.file, values: new Map(), catalogs: new Map(), problems: [...doc.problems] };
    this.base = dirname(doc.file);
  }

  problem(node: Node | null | undefined, key: string, rule: string): void {
    this.out.problems.push({ file: this.doc.file, line: this.doc.lineOf(node), key, rule });
  }

  /** The pairs of a mapping node (a missing or empty section: none); anything else is a finding. */
  pairs(node: Node | null | undefined, key: string): Pair<Node, Node | null>[] {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isMap(node)) {
      this.problem(node, key, "must be a mapping of keys to values");
      return [];
    }
    return node.items as Pair<Node, Node | null>[];
  }

  keyOf(pair: Pair<Node, Node | null>, path: string): string | undefined {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key === "string") return key;
    this.problem(pair.key, path || "(top)", "keys must be text");
    return undefined;
  }

  leaf(node: Node | null, rule: ValueRule, key: string): Located<Value> | undefined {
    const raw = node === null ? null : node.toJSON();
    const value = valueFromFile(raw, rule, this.base);
    if (value === undefined) {
      this.problem(node, key, `${ruleText(rule)}, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return { value, line: this.doc.lineOf(node) };
  }

  section(node: Node | null | undefined, shape: Shape, path: string): void {
    for (const pair of this.pairs(node, path || "(top)")) {
      const name = this.keyOf(pair, path);
      if (name === undefined) continue;
      const key = path ? `${path}.${name}` : name;
      if (key === "catalogs") {
        this.catalogs(pair.value);
        continue;
      }
      const inner = shape[name];
      if (inner === undefined) {
        this.problem(
          pair.key,
          key,
          `unknown key${didYouMeanText(name, [...Object.keys(shape), ...(path ? [] : ["catalogs"])])}`,
        );
        continue;
      }
      if (isRule(inner)) {
        const value = this.leaf(pair.value, inner, key);
        if (value) this.out.values.set(key, { ...value, line: this.doc.lineOf(pair.key) });
      } else this.section(pair.value, inner, key);
    }
  }

  catalogs(node: Node | null): void {
    for (const pair of this.pairs(node, "catalogs")) {
      const name = this.keyOf(pair, "catalogs");
      if (name === undefined) continue;
      const key = `catalogs.${name}`;
      if (!CATALOG_NAME.test(name)) {
        this.problem(
          pair.key,
          key,
          "a catalog's name is letters, digits, _ and - (so it is never taken for a URI)",
        );
        continue;
      }
      this.out.catalogs.set(name, this.catalog(name, pair, key));
    }
  }

  catalog(name: string, pair: Pair<Node, Node | null>, path: string): CatalogEntry {
    const entry: CatalogEntry = { name, line: this.doc.lineOf(pair.key) };
    const given = new Set<string>();
    for (const field of this.pairs(pair.value, path)) {
      const fieldName = this.keyOf(field, path);
      if (fieldName === undefined) continue;
      const key = `${path}.${fieldName}`;
      given.add(fieldName);
      if (fieldName === "api_key") {
        this.problem(
          field.key,
          key,
          "a key is never written in the file: put it in an environment variable and name that with api_key_env",
        );
        continue;
      }
      const rule = CATALOG_KEYS[fieldName as keyof typeof CATALOG_KEYS] as ValueRule | undefined;
      if (rule === undefined) {
        this.problem(field.key, key, `unknown key${didYouMeanText(fieldName, Object.keys(CATALOG_KEYS))}`);
        continue;
      }
      const value = this.leaf(field.value, rule, key);
      if (value === undefined) continue;
      const line = this.doc.lineOf(field.key);
      if (fieldName === "uri") entry.uri = { value: catalogUri(value.value as string, this.base), line };
      else if (fieldName === "api_key_env") entry.apiKeyEnv = { value: value.value as string, line };
      else if (fieldName === "root_map")
        entry.rootMap = { value: value.value as Record<string, string>, line };
      else if (fieldName === "file_roots") entry.fileRoots = { value: value.value as string[], line };
      else if (fieldName === "timeout_ms") entry.timeoutMs = { value: value.value as number, line };
      else if (isSeq(field.value))
        entry.federate = field.value.items.map((item) => ({
          value: String((item as Node).toJSON()),
          line: this.doc.lineOf(item as Node),
        }));
    }
    if (given.has("uri") === given.has("federate"))
      this.out.problems.push({
        file: this.doc.file,
        line: entry.line,
        key: path,
        rule: "a catalog has either a uri or federate (a list of catalog names), not both",
      });
    return entry;
  }

  /** Names in federate lists and `default` that name no catalog, and federations that contain themselves. */
  names(): void {
    const { catalogs, values } = this.out;
    const problem = (line: number | undefined, key: string, rule: string) =>
      this.out.problems.push({ file: this.doc.file, line, key, rule });
    const unknown = (name: string) =>
      `no catalog is named ${JSON.stringify(name)}${didYouMeanText(name, catalogs.keys())}`;
    for (const entry of catalogs.values())
      for (const member of entry.federate ?? [])
        if (!catalogs.has(member.value))
          problem(member.line, `catalogs.${entry.name}.federate`, unknown(member.value));
    const fallback = values.get("default");
    if (fallback && !looksLikeUri(fallback.value as string) && !catalogs.has(fallback.value as string))
      problem(fallback.line, "default", unknown(fallback.value as string));
    const reported = new Set<string>();
    const visit = (name: string, trail: string[]): void => {
      const entry = catalogs.get(name);
      for (const member of entry?.federate ?? []) {
        const at = trail.indexOf(member.value);
        if (at >= 0) {
          const cycle = [...trail.slice(at), member.value];
          const id = cycle.slice(1).sort().join();
          if (!reported.has(id))
            problem(member.line, `catalogs.${name}.federate`, `a cycle: ${cycle.join(" -> ")}`);
          reported.add(id);
        } else visit(member.value, [...trail, member.value]);
      }
    };
    for (const name of catalogs.keys()) visit(name, [name]);
  }
}

/** The checked contents of a parsed file, with every finding. */
export function checkConfig(doc: ConfigDocument): ConfigFile {
  const checker = new Checker(doc);
  if (doc.problems.length === 0) {
    checker.section(doc.root, settingsShape(), "");
    checker.names();
  }
  // In the file's order, as an editor lists them.
  checker.out.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return checker.out;
}
