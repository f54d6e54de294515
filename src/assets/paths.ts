// Where a Resource's or StreamResource's files are: `root_map` applied to a Resource's `root`, and a
// StreamResource's `file://` URI turned into a path (root_map then applies as a path-prefix rewrite).
import { posix, win32 } from "node:path";
import { fileURLToPath } from "node:url";
import type { Resource } from "../documents/types.ts";
import { UnsupportedError, ValidationError } from "../errors.ts";

/** Old location -> new location, as databroker's `root_map`. */
export type RootMap = Readonly<Record<string, string>>;

/** `join(rootMap[root] ?? root, resource_path)`, with Windows joining for `path_semantics: "windows"`. */
export function resourcePath(
  resource: Pick<Resource, "root" | "resource_path" | "path_semantics">,
  rootMap: RootMap = {},
): string {
  const root = rootMap[resource.root] ?? resource.root ?? "";
  const join = resource.path_semantics === "windows" ? win32.join : posix.join;
  return join(root, resource.resource_path ?? "");
}

/** Rewrites the longest `rootMap` key that is a whole-segment prefix of `path`. */
export function remapPrefix(path: string, rootMap: RootMap = {}): string {
  const keys = Object.keys(rootMap)
    .filter((key) => key !== "")
    .sort((a, b) => b.length - a.length);
  for (const key of keys) {
    const bare = key.replace(/\/+$/, "");
    if (path === bare || path.startsWith(`${bare}/`))
      return posix.join(rootMap[key], path.slice(bare.length));
  }
  return path;
}

/**
 * The local path of a StreamResource `uri` (`file://localhost/abs/path` or `file:///abs/path`; a
 * trailing slash, naming a directory, is kept), with `rootMap` applied as a prefix rewrite.
 */
export function streamResourcePath(uri: string, rootMap: RootMap = {}): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ValidationError(`stream resource uri "${uri}" is not a URI`);
  }
  if (url.protocol !== "file:") {
    throw new UnsupportedError(`stream resource uri "${uri}": only file:// URIs are read`);
  }
  if (url.hostname !== "" && url.hostname !== "localhost") {
    throw new UnsupportedError(`stream resource uri "${uri}" names another host (${url.hostname})`);
  }
  url.hostname = "";
  // Templated fixtures produce `file://localhost//abs/...`: normalizing folds the doubled slash.
  return remapPrefix(posix.normalize(fileURLToPath(url)), rootMap);
}
