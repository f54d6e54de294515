// bulk_events.json (deprecated): events grouped by descriptor uid. The schema states no type, so anything but
// an object is valid, and its `^.*$` key pattern skips keys with line terminators, leaving those unchecked.

import { isEventKey } from "./event.ts";
import { checkArrayOf, checkField, checkKnownKeys, checkMapField, isAnyValue } from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { hasNoLineTerminator, isInteger, isNumber, isObject, isString } from "./predicates.ts";

/** An event inside bulk_events: all six core fields required, `filled` any object, nothing else. */
function checkBulkEvent(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  let ok = checkField(value.uid, "required", isString, "a string", path, "uid", sink);
  ok = checkField(value.descriptor, "required", isString, "a string", path, "descriptor", sink) && ok;
  ok = checkField(value.seq_num, "required", isInteger, "an integer", path, "seq_num", sink) && ok;
  ok = checkField(value.time, "required", isNumber, "a number", path, "time", sink) && ok;
  ok = checkMapField(value.data, "required", isAnyValue, "", path, "data", sink) && ok;
  ok = checkMapField(value.timestamps, "required", isAnyValue, "", path, "timestamps", sink) && ok;
  ok = checkMapField(value.filled, "optional", isAnyValue, "", path, "filled", sink) && ok;
  return checkKnownKeys(value, isEventKey, path, sink) && ok;
}

export function checkBulkEvents(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return true;
  let ok = true;
  for (const descriptor in doc) {
    if (!hasNoLineTerminator(descriptor)) continue;
    if (checkArrayOf(doc[descriptor], "required", checkBulkEvent, path, descriptor, sink)) continue;
    if (sink === null) return false;
    ok = false;
  }
  return ok;
}
