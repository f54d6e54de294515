// event_page.json: a column-major page of Events. Like an Event it allows only its seven fields; uid, seq_num
// and time are arrays, and data, timestamps and filled map each key to a column (an array).

import { isEventKey } from "./event.ts";
import { checkArrayField, checkColumnsField, checkField, checkKnownKeys, isAnyValue } from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { isBooleanOrString, isInteger, isNumber, isObject, isString } from "./predicates.ts";

export function checkEventPage(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkArrayField(doc.uid, "required", isString, "a string", path, "uid", sink);
  ok = checkField(doc.descriptor, "required", isString, "a string", path, "descriptor", sink) && ok;
  ok = checkArrayField(doc.seq_num, "required", isInteger, "an integer", path, "seq_num", sink) && ok;
  ok = checkArrayField(doc.time, "required", isNumber, "a number", path, "time", sink) && ok;
  ok = checkColumnsField(doc.data, "required", isAnyValue, "", path, "data", sink) && ok;
  ok = checkColumnsField(doc.timestamps, "required", isAnyValue, "", path, "timestamps", sink) && ok;
  ok =
    checkColumnsField(
      doc.filled,
      "optional",
      isBooleanOrString,
      "a boolean or a string",
      path,
      "filled",
      sink,
    ) && ok;
  return checkKnownKeys(doc, isEventKey, path, sink) && ok;
}
