// stream_resource.json: a StreamResource, an external data stream named by `uri` and `mimetype` for one data
// key. Extra keys are allowed.
import { checkField, checkMapField, isAnyValue } from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { isObject, isString } from "./predicates.ts";

export function checkStreamResource(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkField(doc.uid, "required", isString, "a string", path, "uid", sink);
  ok = checkField(doc.data_key, "required", isString, "a string", path, "data_key", sink) && ok;
  ok = checkField(doc.mimetype, "required", isString, "a string", path, "mimetype", sink) && ok;
  ok = checkField(doc.uri, "required", isString, "a string", path, "uri", sink) && ok;
  ok = checkMapField(doc.parameters, "required", isAnyValue, "", path, "parameters", sink) && ok;
  return checkField(doc.run_start, "optional", isString, "a string", path, "run_start", sink) && ok;
}
