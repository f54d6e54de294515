// event.json: one Event, the hot path of ingestion. Only its seven fields are allowed (unevaluatedProperties
// over the allOf), `seq_num` is an integer and `filled` maps keys to false or a datum id.
import { checkField, checkKnownKeys, checkMapField, isAnyValue } from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { isBooleanOrString, isInteger, isNumber, isObject, isString } from "./predicates.ts";

/** The fields of an Event (shared with bulk_events, whose events allow the same seven). */
export function isEventKey(key: string): boolean {
  switch (key) {
    case "uid":
    case "descriptor":
    case "seq_num":
    case "time":
    case "data":
    case "timestamps":
    case "filled":
      return true;
    default:
      return false;
  }
}

export function checkEvent(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkField(doc.uid, "required", isString, "a string", path, "uid", sink);
  ok = checkField(doc.descriptor, "required", isString, "a string", path, "descriptor", sink) && ok;
  ok = checkField(doc.seq_num, "required", isInteger, "an integer", path, "seq_num", sink) && ok;
  ok = checkField(doc.time, "required", isNumber, "a number", path, "time", sink) && ok;
  ok = checkMapField(doc.data, "required", isAnyValue, "", path, "data", sink) && ok;
  ok = checkMapField(doc.timestamps, "required", isAnyValue, "", path, "timestamps", sink) && ok;
  ok =
    checkMapField(doc.filled, "optional", isBooleanOrString, "a boolean or a string", path, "filled", sink) &&
    ok;
  return checkKnownKeys(doc, isEventKey, path, sink) && ok;
}
