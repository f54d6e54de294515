// The two patch formats Tiled's metadata routes take: JSON Patch (RFC 6902: add, remove, replace, move, copy,
// test at JSON Pointers) and JSON Merge Patch (RFC 7396). Both apply to a copy and fail whole: a patch that
// cannot apply changes nothing and says which operation and why.
import { ValidationError } from "../errors.ts";

type Json = unknown;

function fail(index: number, message: string): never {
  throw new ValidationError(`json-patch operation ${index}: ${message}`, [
    {
      name: "patch",
      path: `[${index}]`,
      rule: "json-patch",
      message: `json-patch operation ${index}: ${message}`,
    },
  ]);
}

/** A JSON Pointer's reference tokens (`/a/b~1c` -> ["a", "b/c"]). */
function tokensOf(pointer: unknown, index: number): string[] {
  if (typeof pointer !== "string" || (pointer !== "" && !pointer.startsWith("/")))
    fail(index, `${JSON.stringify(pointer)} is not a JSON Pointer (it starts with '/')`);
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function arrayIndex(array: Json[], token: string, index: number, forAdd: boolean): number {
  if (forAdd && token === "-") return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) fail(index, `'${token}' is not an array index`);
  const position = Number(token);
  if (position > array.length || (!forAdd && position === array.length))
    fail(index, `index ${position} is past the end of an array of ${array.length}`);
  return position;
}

/** The container of the pointer's last token, and that token. */
function parentOf(root: Json, tokens: string[], index: number): { parent: Json; last: string } {
  let parent = root;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(parent)) parent = parent[arrayIndex(parent, token, index, false)];
    else if (isObject(parent) && Object.hasOwn(parent, token)) parent = parent[token];
    else fail(index, `the path '/${tokens.join("/")}' does not exist`);
  }
  return { parent, last: tokens[tokens.length - 1] };
}

function valueAt(root: Json, tokens: string[], index: number): Json {
  if (tokens.length === 0) return root;
  const { parent, last } = parentOf(root, tokens, index);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, index, false)];
  if (isObject(parent) && Object.hasOwn(parent, last)) return parent[last];
  return fail(index, `the path '/${tokens.join("/")}' does not exist`);
}

function remove(root: Json, tokens: string[], index: number): Json {
  if (tokens.length === 0) fail(index, "the whole document cannot be removed");
  const { parent, last } = parentOf(root, tokens, index);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, index, false), 1)[0];
  if (!isObject(parent) || !Object.hasOwn(parent, last))
    fail(index, `the path '/${tokens.join("/")}' does not exist`);
  const removed = parent[last];
  delete parent[last];
  return removed;
}

/** Returns the new root (an add or replace at "" replaces the whole document). */
function add(root: Json, tokens: string[], value: Json, index: number, replace: boolean): Json {
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(root, tokens, index);
  if (Array.isArray(parent)) {
    const position = arrayIndex(parent, last, index, !replace);
    parent.splice(position, replace ? 1 : 0, value);
  } else if (isObject(parent)) {
    if (replace && !Object.hasOwn(parent, last))
      fail(index, `the path '/${tokens.join("/")}' does not exist`);
    parent[last] = value;
  } else fail(index, `the parent of '/${tokens.join("/")}' is not an object or array`);
  return root;
}

/** Applies an RFC 6902 patch to a copy of `document`. */
export function applyJsonPatch(document: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) fail(0, "a JSON Patch is a list of operations");
  let root = structuredClone(document);
  patch.forEach((operation: unknown, index) => {
    if (!isObject(operation)) fail(index, "an operation is an object with 'op' and 'path'");
    const tokens = tokensOf(operation.path, index);
    const needsValue = ["add", "replace", "test"].includes(operation.op as string);
    if (needsValue && !Object.hasOwn(operation, "value")) fail(index, `'${operation.op}' needs a 'value'`);
    switch (operation.op) {
      case "add":
        root = add(root, tokens, structuredClone(operation.value), index, false);
        break;
      case "replace":
        root = add(root, tokens, structuredClone(operation.value), index, true);
        break;
      case "remove":
        remove(root, tokens, index);
        break;
      case "move":
      case "copy": {
        const from = tokensOf(operation.from, index);
        if (operation.op === "move" && tokens.length > from.length && from.every((t, i) => tokens[i] === t))
          fail(index, "a value cannot be moved into itself");
        const value =
          operation.op === "move" ? remove(root, from, index) : structuredClone(valueAt(root, from, index));
        root = add(root, tokens, value, index, false);
        break;
      }
      case "test":
        if (
          JSON.stringify(canonical(valueAt(root, tokens, index))) !==
          JSON.stringify(canonical(operation.value))
        )
          fail(index, `test failed: the value at '${operation.path}' differs`);
        break;
      default:
        fail(index, `unknown op ${JSON.stringify(operation.op)} (add, remove, replace, move, copy, test)`);
    }
  });
  return root;
}

/** Objects with sorted keys, so `test` compares JSON values whatever their key order. */
function canonical(value: Json): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])]),
  );
}

/** Applies an RFC 7396 merge patch: objects merge, null removes a key, anything else replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const merged: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = applyMergePatch(merged[key], value);
  }
  return merged;
}
