// The ingest rule `file-root`: a Resource (root + resource_path) or StreamResource (uri) must place its files
// inside the catalog's file roots once root_map is applied. The files need not exist yet (they may arrive
// later); the path must only resolve inside a root, as written and through whatever part of it exists.
import type { Resource, StreamResource } from "../documents/types.ts";
import type { Finding } from "../errors.ts";
import type { FileRoots } from "./FileRoots.ts";
import { type RootMap, resourcePath, streamResourcePath } from "./paths.ts";

export const FILE_ROOT_RULE = "file-root";

const CONSEQUENCE =
  "outside this catalog's file roots, where nothing is read; configure a file root that holds its files " +
  "(or trust resource paths for a trusted import)";

function finding(name: string, path: string, value: string, uid: unknown): Finding {
  return {
    name,
    path,
    rule: FILE_ROOT_RULE,
    message: `${name} ${String(uid)}: ${path} ${JSON.stringify(value)} places its files ${CONSEQUENCE}`,
  };
}

/**
 * The finding of a Resource or StreamResource whose files lie outside `roots`, naming the field at fault
 * (`root`, `resource_path` or `uri`); none when they are inside, or when the fields are malformed (the
 * schema reports those) or the uri is not a local file (no file of it is ever opened).
 */
export function resourcePathFindings(
  name: "resource" | "stream_resource",
  doc: Readonly<Record<string, unknown>>,
  roots: FileRoots,
  rootMap: RootMap,
): Finding[] {
  if (name === "stream_resource") {
    const { uri } = doc as Partial<StreamResource>;
    if (typeof uri !== "string") return [];
    let path: string;
    try {
      path = streamResourcePath(uri, rootMap);
    } catch {
      return [];
    }
    return roots.admits(path) ? [] : [finding(name, "uri", uri, doc.uid)];
  }
  const resource = doc as Partial<Resource>;
  if (typeof resource.root !== "string" || typeof resource.resource_path !== "string") return [];
  if (roots.admits(resourcePath(resource as Resource, rootMap))) return [];
  // The root is at fault when it alone already lies outside; else resource_path leads out of it.
  const root = rootMap[resource.root] ?? resource.root;
  return root !== "" && !roots.admits(root)
    ? [finding(name, "root", resource.root, doc.uid)]
    : [finding(name, "resource_path", resource.resource_path, doc.uid)];
}
