// Where fields go in a NeXus entry besides their stream's NXdata: a map from data_key names, device names
// (a descriptor's object_keys), globs over either, or `kind:image`, to a NeXus path. A YAML file
// (`--option nexus.names=FILE`) is laid over the defaults: its entries win, `~` keeps a name unmapped.
import { readFile } from "node:fs/promises";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { DEFAULT_NEXUS_NAMES } from "./defaultNames.ts";
import { fillPlaceholders, hdf5Name, type NexusPath, parseNexusPath } from "./nexusPath.ts";

/** What a field is, as far as the name map can tell. */
export interface FieldIdentity {
  field: string;
  /** The device whose object_keys list the field. */
  device: string | undefined;
  /** Each event holds a 2-D or 3-D array (a detector frame). */
  isImage: boolean;
}

/** Where a mapped field goes: groups below the entry, then the dataset's name. */
export interface FieldPlace {
  groups: NexusPath["groups"];
  field: string;
}

interface NameRule {
  key: string;
  /** null: the name stays unmapped. */
  target: NexusPath | null;
  glob?: RegExp;
}

const KINDS = new Set(["kind:image"]);

function globRegExp(glob: string): RegExp {
  const escaped = glob.replaceAll(/[.+^$()|[\]{}\\]/g, "\\$&");
  return new RegExp(`^${escaped.replaceAll("*", ".*").replaceAll("?", ".")}$`);
}

function isGlob(key: string): boolean {
  return key.includes("*") || key.includes("?");
}

/** One map's rules, looked up in the order exact field, exact device, kind, field glob, device glob. */
class NameLayer {
  private readonly exact = new Map<string, NameRule>();
  private readonly globs: NameRule[] = [];

  add(rule: NameRule): void {
    if (isGlob(rule.key)) this.globs.push({ ...rule, glob: globRegExp(rule.key) });
    else this.exact.set(rule.key, rule);
  }

  match(identity: FieldIdentity): { rule: NameRule; byDevice: boolean } | undefined {
    const { field, device } = identity;
    const byField = this.exact.get(field);
    if (byField) return { rule: byField, byDevice: false };
    const byDevice = device === undefined ? undefined : this.exact.get(device);
    if (byDevice) return { rule: byDevice, byDevice: true };
    const byKind = identity.isImage ? this.exact.get("kind:image") : undefined;
    if (byKind) return { rule: byKind, byDevice: false };
    const fieldGlob = this.globs.find((rule) => rule.glob?.test(field));
    if (fieldGlob) return { rule: fieldGlob, byDevice: false };
    const deviceGlob = device === undefined ? undefined : this.globs.find((rule) => rule.glob?.test(device));
    return deviceGlob && { rule: deviceGlob, byDevice: true };
  }
}

export class NexusNameMap {
  private constructor(private readonly layers: readonly NameLayer[]) {}

  /** The built-in map (defaultNames.ts) alone. */
  static defaults(): NexusNameMap {
    return new NexusNameMap([defaultLayer()]);
  }

  /** The YAML map at `file` laid over the defaults; ValidationError naming the file, line and rule. */
  static async load(file: string): Promise<NexusNameMap> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        throw new NotFoundError(`NeXus name map ${file} (option nexus.names) does not exist`);
      throw error;
    }
    return new NexusNameMap([parseNameMap(text, file), defaultLayer()]);
  }

  /**
   * Where `identity`'s field goes, or undefined when it stays under its own name in its NXdata only. A rule
   * matched through the field's device names the device's main reading (the field named like the device);
   * its other fields go into the same group under their own names.
   */
  placeOf(identity: FieldIdentity): FieldPlace | undefined {
    for (const layer of this.layers) {
      const found = layer.match(identity);
      if (!found) continue;
      if (found.rule.target === null) return undefined;
      const path = fillPlaceholders(found.rule.target, identity.field, identity.device);
      const ownName = found.byDevice && identity.field !== identity.device;
      return {
        groups: path.groups,
        field: ownName ? hdf5Name(identity.field) : (path.field ?? hdf5Name(identity.field)),
      };
    }
    return undefined;
  }
}

function defaultLayer(): NameLayer {
  const layer = new NameLayer();
  for (const [key, value] of Object.entries(DEFAULT_NEXUS_NAMES)) {
    const target = parseNexusPath(value);
    if (typeof target === "string") throw new Error(`default NeXus name ${key}: ${target}`);
    layer.add({ key, target });
  }
  return layer;
}

function mapError(file: string, line: number | undefined, key: string, rule: string, message: string) {
  const where = line === undefined ? "" : ` line ${line}`;
  const subject = key === "" ? "" : ` key ${JSON.stringify(key)}:`;
  return new ValidationError(`NeXus name map ${file}${where}:${subject} ${message} [${rule}]`, [
    { name: file, path: key, rule, message: line === undefined ? message : `line ${line}: ${message}` },
  ]);
}

/** The rules of a YAML name map: a mapping of names (or globs, or kind:image) to NeXus paths or `~`. */
function parseNameMap(text: string, file: string): NameLayer {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  if (document.errors.length > 0) {
    const [first] = document.errors;
    const rule = first.code === "DUPLICATE_KEY" ? "unique-keys" : "yaml-syntax";
    throw mapError(file, first.linePos?.[0].line, "", rule, first.message.split("\n")[0]);
  }
  const layer = new NameLayer();
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return layer;
  if (!isMap(root))
    throw mapError(
      file,
      lineAt(root.range?.[0]),
      "",
      "mapping",
      "the file must be a mapping of names to NeXus paths",
    );
  for (const pair of root.items) {
    const keyNode = pair.key;
    const line = lineAt(isScalar(keyNode) ? keyNode.range?.[0] : undefined);
    if (!isScalar(keyNode) || typeof keyNode.value !== "string" || keyNode.value === "")
      throw mapError(
        file,
        line,
        String(keyNode),
        "key-type",
        "a key is a data_key or device name, a glob or kind:image",
      );
    const key = keyNode.value;
    if (key.startsWith("kind:") && !KINDS.has(key))
      throw mapError(file, line, key, "kind", `the only kind is kind:image`);
    const valueNode = pair.value;
    const value = isScalar(valueNode) ? valueNode.value : valueNode;
    if (value === null || value === undefined) {
      layer.add({ key, target: null });
      continue;
    }
    if (typeof value !== "string")
      throw mapError(
        file,
        line,
        key,
        "value-type",
        "the value must be a NeXus path such as sample:NXsample/x, or ~",
      );
    const target = parseNexusPath(value);
    if (typeof target === "string") throw mapError(file, line, key, "nexus-path", target);
    layer.add({ key, target });
  }
  return layer;
}
