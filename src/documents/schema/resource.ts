// resource.json: a Resource, the handle on an external file read through a handler named by `spec`. Only its
// seven fields are allowed (unevaluatedProperties over the allOf), so a legacy Mongo `resource_id` is refused.
import { checkEnumField, checkField, checkKnownKeys, checkMapField, isAnyValue } from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { isObject, isString } from "./predicates.ts";

export const PATH_SEMANTICS = ["posix", "windows"] as const;

function isResourceKey(key: string): boolean {
  switch (key) {
    case "uid":
    case "spec":
    case "root":
    case "resource_path":
    case "resource_kwargs":
    case "path_semantics":
    case "run_start":
      return true;
    default:
      return false;
  }
}

export function checkResource(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkField(doc.uid, "required", isString, "a string", path, "uid", sink);
  ok = checkField(doc.spec, "required", isString, "a string", path, "spec", sink) && ok;
  ok = checkField(doc.root, "required", isString, "a string", path, "root", sink) && ok;
  ok = checkField(doc.resource_path, "required", isString, "a string", path, "resource_path", sink) && ok;
  ok = checkMapField(doc.resource_kwargs, "required", isAnyValue, "", path, "resource_kwargs", sink) && ok;
  ok = checkEnumField(doc.path_semantics, "optional", PATH_SEMANTICS, path, "path_semantics", sink) && ok;
  ok = checkField(doc.run_start, "optional", isString, "a string", path, "run_start", sink) && ok;
  return checkKnownKeys(doc, isResourceKey, path, sink) && ok;
}
