// run_stop.json: the RunStop document. Its own keys obey the safe-key rule, but unlike start its `DataType`
// is the empty schema, so nested metadata may use any keys.
import { checkEnumField, checkField, checkMapField } from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { isInteger, isNumber, isObject, isString } from "./predicates.ts";
import { checkSafeKeys } from "./safeKeys.ts";

export const EXIT_STATUSES = ["success", "abort", "fail"] as const;

export function checkStop(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkSafeKeys(doc, "top", path, sink);
  ok = checkField(doc.uid, "required", isString, "a string", path, "uid", sink) && ok;
  ok = checkField(doc.time, "required", isNumber, "a number", path, "time", sink) && ok;
  ok = checkField(doc.run_start, "required", isString, "a string", path, "run_start", sink) && ok;
  ok = checkEnumField(doc.exit_status, "required", EXIT_STATUSES, path, "exit_status", sink) && ok;
  ok = checkField(doc.reason, "optional", isString, "a string", path, "reason", sink) && ok;
  return checkMapField(doc.num_events, "optional", isInteger, "an integer", path, "num_events", sink) && ok;
}
